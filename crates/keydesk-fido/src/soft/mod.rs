//! The simulated key (being written).
