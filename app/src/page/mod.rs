//! Pages, the top layer: the page of one interface, with its examples and its notices (a
//! call's progress, its alerts), and the page of a Blocks app.

mod blocks;
mod examples;
mod interface;
mod notices;

pub(crate) use blocks::BlocksView;
pub(crate) use interface::InterfaceView;
