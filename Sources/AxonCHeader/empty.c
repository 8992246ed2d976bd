// A C target needs one source file; the header above is all this target provides.
