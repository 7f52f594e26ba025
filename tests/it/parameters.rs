//! parameters
