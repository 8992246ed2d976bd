import Axon
