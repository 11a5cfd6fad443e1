//! Writing a bag. To be written.
