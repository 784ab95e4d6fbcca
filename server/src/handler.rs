//! Typed handlers: any function of component values, sync, async or a generator, as an
//! interface's handler.
//!
//! Like axum's handlers, this works through trait impls over argument tuples (up to eight
//! arguments), so a handler whose types do not match its components fails to compile.
//! A marker type tells sync functions (run on tokio's blocking pool, so a slow handler never
//! stalls the server) from async ones (awaited on the runtime) and from generators, functions
//! that return a [`Stream`] of outputs (driven in a task of their own, which is aborted, with
//! the stream, as soon as nobody is listening). A handler may also take a whole stream, a
//! conversation ([`Incoming`]), and say what it likes while the stream goes on.

use std::{
    fmt::Display,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures::{stream::BoxStream, Stream, StreamExt};
use rheo_shared::Batching;
use tokio::{sync::mpsc, task::JoinError};

use crate::{
    components::Shown,
    engine::{events, value::ComponentValue, Answers, CallError, Replies, Said, Slot},
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
    /// Marks conversations, functions of an [`Incoming`](crate::Incoming) stream of inputs
    /// that return a [`Stream`](futures::Stream) of outputs, said whenever they like.
    pub enum Conversing {}
}
use markers::{Awaited, Blocking, Conversing, Streaming};

/// A function that can handle an interface's calls. Implemented for every `Fn` (sync or
/// async) of up to eight [`ComponentValue`] arguments whose return type is [`IntoResult`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a Rheo handler",
    label = "not a handler",
    note = "a handler is a function (or async function) of up to 8 arguments, each a component \
            value type (f64, String, bool, AudioData, …), that returns a value type (or an \
            `Update` of an output), a tuple of them, a Result of those whose error type implements Display, or a Stream of any of \
            these (a generator); or a function of one `Incoming` stream of such values (a conversation) that returns a Stream"
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

    /// What runs it on a whole stream, for a handler that takes one (a conversation,
    /// [`Incoming`]); `None` for a handler of one call's values, which a stream calls once per
    /// chunk or frame.
    #[doc(hidden)]
    fn conversation(self: Arc<Self>) -> Option<Conversation<Self::Args, Self::Output>> {
        None
    }

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

/// How a conversation runs: on each stream's rows, with the stream's slot.
#[allow(unreachable_pub)] // named by `Handler`'s hidden method; unreachable from outside
pub type Conversation<A, O> = Box<dyn Fn(Incoming<A>, Slot) -> Replies<O> + Send + Sync>;

/// One row of inputs: the value of a one-input handler, a tuple of several (a [`Batch`]'s
/// calls, an [`Incoming`] stream's chunks or frames).
///
/// [`Batch`]: crate::Batch
pub trait Row: Send + 'static {
    /// The handler's arguments, as every handler's: a tuple.
    type Args: Send + 'static;
    #[doc(hidden)]
    fn from_args(args: Self::Args) -> Self;
}

impl<A: ComponentValue> Row for A {
    type Args = (A,);
    fn from_args((a,): (A,)) -> Self {
        a
    }
}

macro_rules! rows {
    ($($arg:ident),+) => {
        impl<$($arg: ComponentValue),+> Row for ($($arg,)+) {
            type Args = Self;
            fn from_args(args: Self) -> Self {
                args
            }
        }
    };
}

rows!(A, B);
rows!(A, B, C);
rows!(A, B, C, D);
rows!(A, B, C, D, E);
rows!(A, B, C, D, E, F);
rows!(A, B, C, D, E, F, G);
rows!(A, B, C, D, E, F, G, H);

/// The inputs of a conversation as they arrive: a [`Stream`] of rows, one per chunk or frame of
/// the streaming input (a microphone's, a webcam's), each with the other inputs' values at that
/// moment ([`Row`]: the value itself for a one-input handler, a tuple for several). It ends
/// when the person stops streaming.
///
/// A function of an `Incoming` that returns a `Stream` of outputs is a handler: it hears the
/// whole stream and says what it likes while the stream goes on, unlike a stream's ordinary
/// handler, called once per chunk or frame.
///
/// ```
/// use futures::{Stream, StreamExt};
/// use rheo::{Audio, AudioData, Incoming, Interface, Number};
///
/// /// The loudest peak heard so far, said whenever it grows.
/// fn loudest(chunks: Incoming<AudioData>) -> impl Stream<Item = f64> {
///     chunks
///         .scan(0.0, |loudest: &mut f64, chunk| {
///             let peak = chunk.samples.iter().fold(0.0_f64, |peak, s| peak.max(f64::from(s.abs())));
///             let grew = peak > *loudest;
///             *loudest = loudest.max(peak);
///             std::future::ready(Some(grew.then_some(*loudest)))
///         })
///         .filter_map(std::future::ready)
/// }
///
/// let demo = Interface::new(loudest).inputs(Audio::new().streaming(true)).outputs(Number::new()).live(true);
/// # let _ = rheo::Registry::new().mount("loudest", demo);
/// ```
pub struct Incoming<R>(BoxStream<'static, R>);

impl<R: Send + 'static> Incoming<R> {
    /// The rows `rows` gives (to test a conversation without a server).
    pub fn new(rows: impl Stream<Item = R> + Send + 'static) -> Self {
        Incoming(rows.boxed())
    }

    /// Each row as `into` makes it.
    pub(crate) fn map<T: Send + 'static>(self, into: fn(R) -> T) -> Incoming<T> {
        Incoming(self.0.map(into).boxed())
    }
}

impl<R> Stream for Incoming<R> {
    type Item = R;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R>> {
        self.0.poll_next_unpin(cx)
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
    drive(slot, move || until_error(start().map(|item| item.map_err(CallError::Handler))))
}

/// `items`, up to and with its first error.
pub(crate) fn until_error<T, E>(items: impl Stream<Item = Result<T, E>>) -> impl Stream<Item = Result<T, E>> {
    items.scan(false, |failed, item| {
        let next = (!*failed).then_some(item);
        *failed = next.as_ref().is_some_and(Result::is_err);
        std::future::ready(next)
    })
}

/// Drives the stream `start` makes in a task of its own (so a panic fails only its call or
/// conversation), one item ahead of the reader at most, until the reader drops the stream
/// this returns.
pub(crate) fn drive<T, S>(
    slot: Slot,
    start: impl FnOnce() -> S + Send + 'static,
) -> BoxStream<'static, Result<T, CallError>>
where
    T: Send + 'static,
    S: Stream<Item = Result<T, CallError>> + Send + 'static,
{
    let (sender, mut receiver) = mpsc::channel(1);
    let task = tokio::spawn(events::scope(slot.reporter(), async move {
        let _slot = slot;
        let items = start();
        futures::pin_mut!(items);
        while let Some(item) = items.next().await {
            if sender.send(item).await.is_err() {
                break;
            }
        }
    }));
    let abort = AbortOnDrop(task.abort_handle());
    async_stream::stream! {
        let _abort = abort;
        while let Some(item) = receiver.recv().await {
            yield item;
        }
        // The channel closed: the stream is done, or it panicked.
        if let Err(error) = task.await {
            yield Err(crashed(error));
        }
    }
    .boxed()
}

/// The outputs of a conversation, as a call's answers: an API client's call is a
/// conversation of one row, whose interruptions no one hears.
pub(crate) fn said_outputs<T: Send + 'static>(replies: Replies<T>) -> Answers<T> {
    replies
        .filter_map(|said| {
            std::future::ready(match said {
                Ok(Said::Outputs(outputs)) => Some(Ok(outputs)),
                Ok(Said::Interrupted) => None,
                Err(e) => Some(Err(e)),
            })
        })
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

impl<Func, Items, Ret, R> Handler<(Conversing, R)> for Func
where
    Func: Fn(Incoming<R>) -> Items + Send + Sync + 'static,
    Items: Stream<Item = Ret> + Send + 'static,
    Ret: IntoResult,
    R: Row,
{
    type Args = R::Args;
    type Output = Ret::Ok;
    const GENERATOR: bool = true;

    fn call(self: Arc<Self>, args: R::Args, slot: Slot) -> Answers<Ret::Ok> {
        said_outputs(converse(self, Incoming::new(futures::stream::iter([args])), slot))
    }

    fn conversation(self: Arc<Self>) -> Option<Conversation<R::Args, Ret::Ok>> {
        Some(Box::new(move |incoming, slot| converse(self.clone(), incoming, slot)))
    }
}

/// Runs a conversation handler on `incoming`, in a task of its own; it ends after an error.
fn converse<Func, Items, Ret, R>(handler: Arc<Func>, incoming: Incoming<R::Args>, slot: Slot) -> Replies<Ret::Ok>
where
    Func: Fn(Incoming<R>) -> Items + Send + Sync + 'static,
    Items: Stream<Item = Ret> + Send + 'static,
    Ret: IntoResult,
    R: Row,
{
    drive(slot, move || {
        let said = (handler)(incoming.map(R::from_args));
        until_error(said.map(|item| item.into_result().map(Said::Outputs).map_err(CallError::Handler)))
    })
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
