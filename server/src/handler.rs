//! Typed handlers: any function of component values, sync, async or a generator, as an
//! interface's handler.
//!
//! Like axum's handlers, this works through trait impls over argument tuples (up to eight
//! arguments), so a handler whose types do not match its components fails to compile.
//! A marker type tells sync functions (run on tokio's blocking pool, so a slow handler never
//! stalls the server) from async ones (awaited on the runtime) and from generators, functions
//! that return a [`Stream`] of outputs (driven in a task of their own, which is aborted, with
//! the stream, as soon as nobody is listening).

use std::{fmt::Display, future::Future, sync::Arc};

use futures::{Stream, StreamExt};
use rheo_shared::Batching;
use tokio::{sync::mpsc, task::JoinError};

use crate::{
    components::Shown,
    engine::{events, value::ComponentValue, Answers, CallError, Slot},
    interface::function_name,
    Update,
};

/// The markers that tell the kinds of handler apart; public in a private module, as axum
/// keeps its own: they appear in trait impls, and no one needs to name them.
#[allow(unreachable_pub)]
mod markers {
    /// Marks handlers that are plain functions: they run on the blocking pool.
    pub enum Blocking {}
    /// Marks handlers that are async functions: they are awaited on the runtime.
    pub enum Awaited {}
    /// Marks generators, functions that return a [`Stream`](futures::Stream) of outputs: each
    /// item is shown as it comes, replacing the one before. The stream is polled on the async
    /// runtime: a generator that computes for long between items should do that work in
    /// `tokio::task::spawn_blocking`.
    pub enum Streaming {}
}
use markers::{Awaited, Blocking, Streaming};

/// A function that can handle an interface's calls. Implemented for every `Fn` (sync or
/// async) of up to eight [`ComponentValue`] arguments whose return type is [`IntoResult`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a Rheo handler",
    label = "not a handler",
    note = "a handler is a function (or async function) of up to 8 arguments, each a component \
            value type (f64, String, bool, AudioData, …), that returns a value type (or an \
            `Update` of an output), a tuple of them, a Result of those whose error type implements Display, or a Stream of any of \
            these (a generator)"
)]
pub trait Handler<Marker>: Send + Sync + 'static {
    /// The arguments, as a tuple.
    type Args: Send + 'static;
    /// What a successful call returns (the `Ok` side of a `Result`).
    type Output: Send + 'static;
    /// Whether a call yields a stream of outputs rather than one.
    #[doc(hidden)]
    const GENERATOR: bool = false;

    /// Runs the handler; its work holds `slot` until it really ends.
    #[doc(hidden)]
    fn call(self: Arc<Self>, args: Self::Args, slot: Slot) -> Answers<Self::Output>;

    /// How its calls are gathered into batches, if it takes batches ([`Batch`](crate::Batch)).
    #[doc(hidden)]
    fn batching(&self) -> Option<Batching> {
        None
    }

    /// The name API clients call it by unless the author gives one: the function's.
    #[doc(hidden)]
    fn api_name() -> String
    where
        Self: Sized,
    {
        function_name::<Self>()
    }
}

/// A handler's return value: a value, a tuple of values (`()` for none), or a `Result` of
/// those whose error is shown to the user. A value is a component value or an [`Update`] of an output.
pub trait IntoResult: Send + 'static {
    /// The value or values of a success.
    type Ok: Send + 'static;
    #[doc(hidden)]
    fn into_result(self) -> Result<Self::Ok, String>;
}

/// What a handler may return for one output: a component value, or an [`Update`] of one.
pub trait OutputValue: Send + 'static {}

impl<T: ComponentValue> OutputValue for T {}

impl<C: Shown> OutputValue for Update<C> {}

impl<T: OutputValue> IntoResult for T {
    type Ok = T;
    fn into_result(self) -> Result<T, String> {
        Ok(self)
    }
}

impl<T: Send + 'static, E: Display + Send + 'static> IntoResult for Result<T, E> {
    type Ok = T;
    fn into_result(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Nothing, for an event with no outputs (one that only does something: counts a like).
impl IntoResult for () {
    type Ok = ();
    fn into_result(self) -> Result<(), String> {
        Ok(())
    }
}

macro_rules! result_tuple {
    ($($t:ident),+) => {
        impl<$($t: OutputValue),+> IntoResult for ($($t,)+) {
            type Ok = Self;
            fn into_result(self) -> Result<Self, String> {
                Ok(self)
            }
        }
    };
}

result_tuple!(A, B);
result_tuple!(A, B, C);
result_tuple!(A, B, C, D);
result_tuple!(A, B, C, D, E);
result_tuple!(A, B, C, D, E, F);
result_tuple!(A, B, C, D, E, F, G);
result_tuple!(A, B, C, D, E, F, G, H);

/// Turns a finished task into a call result; a panic becomes [`CallError::Panicked`].
pub(crate) fn settle<T>(joined: Result<Result<T, String>, JoinError>) -> Result<T, CallError> {
    joined.map_err(crashed)?.map_err(CallError::Handler)
}

/// A handler task that did not finish: its panic message goes to the log, not to the user.
pub(crate) fn crashed(error: JoinError) -> CallError {
    if error.is_panic() {
        let payload = error.into_panic();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-text panic payload".into());
        tracing::error!(%message, "handler panicked");
    }
    CallError::Panicked
}

/// One result as a stream of one.
pub(crate) fn once<T: Send + 'static>(
    result: impl Future<Output = Result<T, CallError>> + Send + 'static,
) -> Answers<T> {
    futures::stream::once(result).boxed()
}

/// Aborts a task when dropped: an async handler or a generator stops the moment its stream is
/// dropped (the client went away, or pressed Stop), even while it sleeps or awaits.
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Drives the generator `start` makes in a task of its own (so a panic fails only this call),
/// one item ahead of the reader at most; the task ends after an error item.
fn generate<T, S>(slot: Slot, start: impl FnOnce() -> S + Send + 'static) -> Answers<T>
where
    T: Send + 'static,
    S: Stream<Item = Result<T, String>> + Send + 'static,
{
    let (sender, mut receiver) = mpsc::channel(1);
    let task = tokio::spawn(events::scope(slot.reporter(), async move {
        let _slot = slot;
        let items = start();
        futures::pin_mut!(items);
        while let Some(item) = items.next().await {
            let failed = item.is_err();
            if sender.send(item).await.is_err() || failed {
                break;
            }
        }
    }));
    let abort = AbortOnDrop(task.abort_handle());
    async_stream::stream! {
        let _abort = abort;
        while let Some(item) = receiver.recv().await {
            yield item.map_err(CallError::Handler);
        }
        // The channel closed: the generator is done, or it panicked.
        if let Err(error) = task.await {
            yield Err(crashed(error));
        }
    }
    .boxed()
}

macro_rules! handler_impls {
    ($($arg:ident $var:ident),*) => {
        impl<Func, Ret, $($arg),*> Handler<(Blocking, $($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Ret + Send + Sync + 'static,
            Ret: IntoResult,
            $($arg: ComponentValue,)*
        {
            type Args = ($($arg,)*);
            type Output = Ret::Ok;

            fn call(self: Arc<Self>, ($($var,)*): Self::Args, slot: Slot) -> Answers<Ret::Ok> {
                // A sync function cannot be stopped: if its caller leaves, it runs on, and keeps
                // its slot until it returns (or abandoned calls would run past the limit).
                let work = tokio::task::spawn_blocking(move || {
                    let _reporting = events::enter(slot.reporter());
                    let _slot = slot;
                    (self)($($var),*).into_result()
                });
                once(async move { settle(work.await) })
            }
        }

        impl<Func, Fut, Ret, $($arg),*> Handler<(Awaited, $($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = Ret> + Send + 'static,
            Ret: IntoResult,
            $($arg: ComponentValue,)*
        {
            type Args = ($($arg,)*);
            type Output = Ret::Ok;

            fn call(self: Arc<Self>, ($($var,)*): Self::Args, slot: Slot) -> Answers<Ret::Ok> {
                // Spawned, so a panic is caught at the task boundary like a sync handler's;
                // aborted, with its slot freed, when nobody waits for it any more.
                let task = tokio::spawn(events::scope(slot.reporter(), async move {
                    let _slot = slot;
                    (self)($($var),*).await.into_result()
                }));
                let abort = AbortOnDrop(task.abort_handle());
                once(async move {
                    let _abort = abort;
                    settle(task.await)
                })
            }
        }

        impl<Func, Items, Ret, $($arg),*> Handler<(Streaming, $($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Items + Send + Sync + 'static,
            Items: Stream<Item = Ret> + Send + 'static,
            Ret: IntoResult,
            $($arg: ComponentValue,)*
        {
            type Args = ($($arg,)*);
            type Output = Ret::Ok;
            const GENERATOR: bool = true;

            fn call(self: Arc<Self>, ($($var,)*): Self::Args, slot: Slot) -> Answers<Ret::Ok> {
                generate(slot, move || (self)($($var),*).map(IntoResult::into_result))
            }
        }
    };
}

handler_impls!();
handler_impls!(A a);
handler_impls!(A a, B b);
handler_impls!(A a, B b, C c);
handler_impls!(A a, B b, C c, D d);
handler_impls!(A a, B b, C c, D d, E e);
handler_impls!(A a, B b, C c, D d, E e, F f);
handler_impls!(A a, B b, C c, D d, E e, F f, G g);
handler_impls!(A a, B b, C c, D d, E e, F f, G g, H h);
