// Package evdev is the appliance's display.Input: touchscreens and absolute
// pointers read straight from /dev/input/event* (no udev, no libinput, no
// cgo).
//
// Devices are found by their capabilities: any event device reporting
// ABS_X and ABS_Y, or ABS_MT_POSITION_X and ABS_MT_POSITION_Y, is a touch
// source. Axis ranges come from EVIOCGABS and are scaled to screen pixels,
// after optional calibration (explicit axis ranges), axis swap/inversion and
// rotation. Both single-touch (ABS_X/ABS_Y with BTN_TOUCH, or BTN_LEFT as
// QEMU's usb-tablet and virtio-tablet send) and multi-touch protocol B
// (slot 0 only: ABS_MT_SLOT, ABS_MT_TRACKING_ID, ABS_MT_POSITION_X/Y) are
// understood. Moves shorter than Opts.MinMove (4 px) are dropped and moves
// decoded together are coalesced into the newest, because the embedded Fyne
// driver repaints the whole window for each. The device directory is
// rescanned periodically, so a
// touchscreen plugged in after boot (or re-enumerated after a USB reset) is
// picked up.
//
// # Spec
//
// Linux include/uapi/linux/input.h (struct input_event, struct
// input_absinfo, EVIOCGBIT, EVIOCGABS), input-event-codes.h, and
// Documentation/input/multi-touch-protocol.rst (protocol B).
package evdev
