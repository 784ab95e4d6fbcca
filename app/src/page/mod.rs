//! Pages, the top layer: the page of an app (an interface is a Blocks app too), with its
//! examples and its notices (a call's progress, its alerts, its Flag buttons).

mod blocks;
mod examples;
mod notices;
mod reload;

pub(crate) use blocks::BlocksView;
#[cfg(feature = "ssr")]
pub(crate) use reload::RELOAD_META;

use std::time::Duration;

use leptos::prelude::*;

use crate::browser::on_leave;

/// `run`, at once, or, with a `pause` (seconds), once no call of this has come for that long:
/// each call puts the run off again. A run still waiting when the page goes is dropped.
pub(crate) fn debounced(
    pause: Option<f64>,
    run: impl Fn() + Copy + Send + Sync + 'static,
) -> impl Fn() + Copy + 'static {
    let waiting = StoredValue::new(None::<TimeoutHandle>);
    let put_off = move || {
        if let Some(timeout) = waiting.get_value() {
            timeout.clear();
        }
    };
    on_leave(put_off);
    move || match pause {
        None => run(),
        Some(seconds) => {
            put_off();
            waiting.set_value(set_timeout_with_handle(run, Duration::from_secs_f64(seconds)).ok());
        }
    }
}
