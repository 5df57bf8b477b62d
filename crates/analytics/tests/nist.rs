//! The NIST StRD linear regression suite (data and certified values in `data/nist/`):
//! every coefficient, every standard deviation, the residual SD and R² of every set to
//! at least 9 correct significant digits. `cargo test -- --nocapture` prints the table.
//!
//! LRE = −log10(|estimate − certified| / |certified|), the number of correct digits; for
//! a certified value of exactly 0 (Wampler1's residual SD and standard deviations) the
//! relative error is undefined and the absolute error is used: −log10(|estimate|).
//! LREs are capped at 15, the digits NIST certifies.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::fmt::Write as _;
use std::path::PathBuf;

use rapport_analytics::regression::{Design, LinearRegression};
use serde_json::Value;

const REQUIRED: f64 = 9.0;
const CAP: f64 = 15.0;

fn lre(estimate: f64, certified: f64) -> f64 {
    let err = if certified == 0.0 { estimate.abs() } else { (estimate - certified).abs() / certified.abs() };
    if err == 0.0 { CAP } else { (-err.log10()).min(CAP) }
}

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/nist").join(file)
}

/// The CSV: `y` first, then the x columns; returns (names, y, rows of x).
fn read_csv(name: &str) -> (Vec<String>, Vec<f64>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(data(&format!("{name}.csv"))).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_owned).collect();
    assert_eq!(header[0], "y");
    let (mut y, mut x) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let v: Vec<f64> = line.split(',').map(|s| s.trim().parse().unwrap()).collect();
        y.push(v[0]);
        x.push(v[1..].to_vec());
    }
    (header[1..].to_vec(), y, x)
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// Fits one set, prints its LRE table and returns (min coefficient LRE, min SD LRE).
fn check(name: &str) -> (f64, f64) {
    let cert: Value =
        serde_json::from_str(&std::fs::read_to_string(data(&format!("{name}.certified.json"))).unwrap()).unwrap();
    let (names, y, rows) = read_csv(name);
    let degree = cert["polynomial_degree"].as_u64().unwrap_or(1) as usize;
    let design = if degree > 1 {
        let x: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        Design::polynomial(&names[0], &x, degree).unwrap()
    } else {
        Design::from_rows(names, &rows).unwrap()
    };
    let intercept = cert["intercept"].as_bool().unwrap();
    let fit = LinearRegression::new().with_intercept(intercept).fit(&design, &y).unwrap();

    let coef = numbers(&cert["coef"]);
    let sd = numbers(&cert["coef_sd"]);
    assert_eq!(fit.coefficients.len(), coef.len(), "{name}: parameter count");
    let mut out = String::new();
    writeln!(
        out,
        "\n{name}: n = {}, κ(scaled) = {:.1e}, refinement steps = {}",
        fit.n_obs, fit.condition_number, fit.refinement_steps
    )
    .unwrap();
    writeln!(
        out,
        "  {:<10} {:>24} {:>24} {:>6} {:>24} {:>6}",
        "param", "estimate", "certified", "LRE", "std dev", "LRE"
    )
    .unwrap();
    let (mut min_coef, mut min_sd) = (CAP, CAP);
    for (i, c) in fit.coefficients.iter().enumerate() {
        let (a, b) = (lre(c.estimate, coef[i]), lre(c.std_error, sd[i]));
        min_coef = min_coef.min(a);
        min_sd = min_sd.min(b);
        writeln!(
            out,
            "  {:<10} {:>24.15e} {:>24.15e} {:>6.1} {:>24.15e} {:>6.1}{}",
            c.name,
            c.estimate,
            coef[i],
            a,
            c.std_error,
            b,
            if sd[i] == 0.0 { "  (SD certified 0: absolute error)" } else { "" }
        )
        .unwrap();
    }
    let cert_rsd = cert["residual_sd"].as_f64().unwrap();
    let cert_r2 = cert["r_squared"].as_f64().unwrap();
    let (l_rsd, l_r2) = (lre(fit.residual_std_error, cert_rsd), lre(fit.r_squared, cert_r2));
    writeln!(
        out,
        "  residual SD {:.15e} (certified {:.15e}) LRE {:.1}{}",
        fit.residual_std_error,
        cert_rsd,
        l_rsd,
        if cert_rsd == 0.0 { " (certified 0: absolute error)" } else { "" }
    )
    .unwrap();
    writeln!(out, "  R²          {:.15e} (certified {:.15e}) LRE {:.1}", fit.r_squared, cert_r2, l_r2).unwrap();
    if let Some(f) = cert["anova"]["regression"]["F"].as_f64() {
        writeln!(
            out,
            "  F           {:.15e} (certified {:.15e}) LRE {:.1}",
            fit.f_statistic,
            f,
            lre(fit.f_statistic, f)
        )
        .unwrap();
    }
    writeln!(out, "  min LRE: coefficients {min_coef:.1}, standard deviations {min_sd:.1}").unwrap();
    println!("{out}");
    assert!(min_coef >= REQUIRED, "{name}: a coefficient has only {min_coef:.1} correct digits");
    assert!(min_sd >= REQUIRED, "{name}: a standard deviation has only {min_sd:.1} correct digits");
    assert!(l_rsd >= REQUIRED, "{name}: residual SD has only {l_rsd:.1} correct digits");
    assert!(l_r2 >= REQUIRED, "{name}: R² has only {l_r2:.1} correct digits");
    (min_coef, min_sd)
}

macro_rules! nist {
    ($($test:ident => $set:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check($set);
            }
        )*

        /// One summary line per set, in the order NIST lists them.
        #[test]
        fn summary_of_every_set() {
            let mut table = String::from("\nNIST StRD linear regression: minimum LRE per set\n  set        coefficients  std devs\n");
            for set in [$($set),*] {
                let (c, s) = check(set);
                writeln!(table, "  {set:<10} {c:>12.1} {s:>9.1}").unwrap();
            }
            println!("{table}");
        }
    };
}

nist! {
    norris => "Norris",
    pontius => "Pontius",
    noint1 => "NoInt1",
    noint2 => "NoInt2",
    filip => "Filip",
    longley => "Longley",
    wampler1 => "Wampler1",
    wampler2 => "Wampler2",
    wampler3 => "Wampler3",
    wampler4 => "Wampler4",
    wampler5 => "Wampler5",
}
