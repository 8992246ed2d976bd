// The public C header, imported into the Swift shim (AxonC) so that the types it shares with
// C programs (axon_status, axon_epoch_record) are defined once, in include/axon.h.
#include "../../../include/axon.h"
