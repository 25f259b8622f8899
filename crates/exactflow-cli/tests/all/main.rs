//! The CLI's integration tests, one binary (each test binary links GMP and MPFR; one keeps
//! the link and start-up cost once). Every test runs the built `exactflow` binary from
//! outside, as a user does. Add a new file here and a `mod` line below.

mod support;

mod certify;
mod check;
mod cli;
mod compare;
mod fuzz_cli;
mod mechanism;
mod numerics;
mod phase;
mod phase_exponents;
mod plot;
mod simulate;
mod tables_out;
mod workflow;
