//! Helpers shared by the tests (and by `examples/dev_golden.rs`, which includes this module by
//! path).

pub mod dev;
pub mod extract;
pub mod score;
