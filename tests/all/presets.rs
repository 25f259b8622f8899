//! Each preset is in the regime it is named after (docs/model.md §9), judged on the exact
//! solution: z(∞), the NTK's relative change, the alignment, each layer's rotation.

use exactflow_core::number::q_to_f64_nearest;
use exactflow_core::presets::preset;
use exactflow_fast::FastSolution;

struct Summary {
    z_inf: f64,
    ntk_change: f64,
    align0: f64,
    align_inf: f64,
    /// cos∠(u₀, u(∞)) and |u(∞)|/|u₀|; same for w.
    rot_u: f64,
    ratio_u: f64,
    rot_w: f64,
    ratio_w: f64,
    residual_inf: f64,
    theta: f64,
}

fn summary(name: &str) -> Summary {
    let s = preset(name).unwrap().validate().unwrap();
    let red = s.reduction();
    let sol = FastSolution::from_reduction(&red);
    // Three horizons: the residual has fallen ~36 orders, still within f64 (at 1e4
    // horizons it is far below f64's range, and the engine refuses it as NaN).
    let (o0, oi) = (sol.eval(0.0), sol.eval(3.0 * sol.horizon()));
    // Layer rotation (docs/model.md §5): ũ₀·ũ(t) = ((S+M)√z + (M+D)/√z)/4, and for w̃ with −M.
    let x = q_to_f64_nearest(&red.x) / q_to_f64_nearest(&red.eta_prod).sqrt();
    let p = q_to_f64_nearest(&red.p);
    let m = q_to_f64_nearest(&red.m);
    let (s_, d_) = (p + 2.0 * x, p - 2.0 * x);
    let rz = oi.z.sqrt();
    let uu = ((s_ + m) * rz + (m + d_) / rz) / 4.0;
    let ww = ((s_ - m) * rz + (d_ - m) / rz) / 4.0;
    let (nu0, nw0) = (
        q_to_f64_nearest(&red.pu).sqrt(),
        q_to_f64_nearest(&red.pw).sqrt(),
    );
    let (eu, ew) = (
        q_to_f64_nearest(&red.eta_u).sqrt(),
        q_to_f64_nearest(&red.eta_w).sqrt(),
    );
    let (nui, nwi) = (oi.norm_u / eu, oi.norm_w / ew);
    Summary {
        z_inf: oi.z,
        ntk_change: oi.ntk / o0.ntk - 1.0,
        align0: o0.alignment,
        align_inf: oi.alignment,
        rot_u: uu / (nu0 * nui),
        ratio_u: nui / nu0,
        rot_w: ww / (nw0 * nwi),
        ratio_w: nwi / nw0,
        residual_inf: oi.residual,
        theta: q_to_f64_nearest(&red.theta),
    }
}

#[test]
fn kernel_preset_stays_lazy() {
    let s = summary("kernel");
    assert!((s.z_inf - 1.0).abs() < 0.05, "z(∞) = {}", s.z_inf);
    assert!(s.ntk_change.abs() < 0.05, "NTK change {}", s.ntk_change);
    assert!(
        s.rot_u > 0.99 && s.rot_w > 0.99,
        "layers barely turn: {} {}",
        s.rot_u,
        s.rot_w
    );
    assert!(s.residual_inf.abs() < 1e-12);
}

#[test]
fn alignment_preset_aligns() {
    let s = summary("alignment");
    assert!(s.z_inf > 1e3, "z grows: {}", s.z_inf);
    assert!(
        s.align0.abs() < 0.5 && s.align_inf > 0.999,
        "ζ: {} → {}",
        s.align0,
        s.align_inf
    );
    assert!(s.ntk_change > 10.0, "NTK grows by orders: {}", s.ntk_change);
    assert!(s.residual_inf.abs() < 1e-12);
}

#[test]
fn disalignment_preset_disaligns() {
    let s = summary("disalignment");
    assert!(s.z_inf < 1e-3, "z shrinks: {}", s.z_inf);
    assert!(
        s.align0.abs() < 0.5 && s.align_inf < -0.999,
        "ζ: {} → {}",
        s.align0,
        s.align_inf
    );
    assert!(s.residual_inf.abs() < 1e-12);
}

#[test]
fn rescaling_preset_rescales_the_dominant_layer() {
    let s = summary("rescaling");
    // u dominates: keeps its direction, changes its norm; w turns to align with u.
    assert!(s.rot_u > 0.99, "u keeps its direction: cos = {}", s.rot_u);
    assert!(
        (s.ratio_u - 1.0).abs() > 0.1,
        "u rescales: ratio {}",
        s.ratio_u
    );
    assert!(
        s.rot_w.abs() < 0.5 && s.ratio_w > 100.0,
        "w turns and grows: cos {} ratio {}",
        s.rot_w,
        s.ratio_w
    );
    assert!(s.align_inf > 0.999);
    assert!(s.residual_inf.abs() < 1e-12);
}

#[test]
fn saddle_preset_falls_into_the_saddle() {
    let s = summary("saddle");
    assert!(s.z_inf < 1e-12, "z → 0: {}", s.z_inf);
    assert!(
        (s.residual_inf + s.theta).abs() < 1e-12,
        "slope → 0: residual {}",
        s.residual_inf
    );
    assert!(s.ratio_u < 1e-6 && s.ratio_w < 1e-6, "weights → 0");
}
