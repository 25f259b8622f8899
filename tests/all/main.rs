//! The workspace-level integration tests, one binary (each test binary links GMP and MPFR;
//! one keeps the link and start-up cost once): the engines against the independent
//! references of `tests/support` (exactflow-tests' library). Add a new file here and a `mod`
//! line below.

mod engines_agree;
mod fast_extremes;
mod fast_vs_reference;
mod mp_vs_reference;
mod presets;
mod rational_vs_mp;
mod snapshots;
mod taylor_vs_closed_form;
