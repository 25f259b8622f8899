//! The canonical text of a validated scenario and its SHA-256 fingerprint.

use super::{Init, Scenario};
use crate::number::Q;
use std::fmt;

impl Scenario {
    /// SHA-256 of [`Scenario::canonical_toml`], in lowercase hex: a fingerprint of the
    /// exact problem for the provenance of tables (the same for every spelling of the
    /// same numbers, preset or file).
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.canonical_toml().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A canonical TOML text of the scenario: exact numbers as `p/q` strings, one key
    /// order. Two scenarios with the same canonical text are the same problem.
    pub fn canonical_toml(&self) -> String {
        let q = |v: &Q| format!("\"{v}\"");
        let mut s = String::new();
        s.push_str("[model]\n");
        s.push_str(&format!(
            "gamma = {}\neta_u = {}\neta_w = {}\n",
            q(&self.gamma),
            q(&self.eta_u),
            q(&self.eta_w)
        ));
        s.push_str("[data]\n");
        s.push_str(&format!(
            "exx = {}\nexy = {}\neyy = {}\n",
            q(&self.exx),
            q(&self.exy),
            q(&self.eyy)
        ));
        s.push_str("[init]\n");
        match &self.init {
            Init::Explicit { u0, w0 } => {
                let list = |v: &[Q]| v.iter().map(q).collect::<Vec<_>>().join(", ");
                s.push_str(&format!("u0 = [{}]\nw0 = [{}]\n", list(u0), list(w0)));
            }
            Init::Gaussian(g) => {
                s.push_str(&format!(
                    "kind = \"gaussian\"\nwidth = {}\nsigma_u = {}\nsigma_w = {}\nseed = {}\ntie = \"{}\"\n",
                    g.width,
                    q(&g.sigma_u),
                    q(&g.sigma_w),
                    g.seed,
                    g.tie.name()
                ));
            }
        }
        s
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical_toml())
    }
}
