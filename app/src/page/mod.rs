//! Pages, the top layer: the page of one interface, with its examples and its notices (a
//! call's progress, its alerts).

mod examples;
mod interface;
mod notices;

pub(crate) use interface::InterfaceView;
