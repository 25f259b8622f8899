//! Exact numbers: parsing, conversions between ℚ and `f64`, decimal formatting — the
//! `exactflow-num` crate, re-exported here so that `exactflow_core::number` is where the
//! engines find it (see that crate for the grammar, the rounding and the names: `*_exact`
//! conversions lose nothing, `*_nearest` round to nearest).

pub use exactflow_num::*;
