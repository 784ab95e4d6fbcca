//! Pages, the top layer: the page of one interface, with its examples.

mod examples;
mod interface;

pub(crate) use interface::InterfaceView;
