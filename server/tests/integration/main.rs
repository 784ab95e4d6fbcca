//! The server's integration tests: one binary (one link of Leptos, axum and the rest instead of
//! one per file), a module per subject, each against the public API as an author's code uses it.
//! The tests that render pages are binaries of their own (`pages.rs`, `bundle.rs`,
//! `deploy.rs`): a page rendered while other tests run on other runtimes once hung about one
//! run in ten.

mod common;

mod api;
mod blocks;
mod conversation;
mod files;
mod flagging;
mod fuzz;
mod generators;
mod gradio;
mod mcp;
mod replicas;
mod stream;
