package main

// defaultStateDir is ./state on a desktop. (The appliance image will pass
// -state /perm/mitra.)
const defaultStateDir = "state"
