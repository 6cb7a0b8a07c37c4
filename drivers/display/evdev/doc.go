// Package evdev is the appliance's display.Input: touchscreens, absolute
// pointers and technicians' keyboards read straight from
// /dev/input/event* (no udev, no libinput, no cgo).
//
// Devices are found by their capabilities (EVIOCGBIT). Any event device
// reporting ABS_X and ABS_Y, or ABS_MT_POSITION_X and ABS_MT_POSITION_Y,
// is a touch source, whatever keys it also reports. Axis ranges come from
// EVIOCGABS and are scaled to screen pixels, after optional calibration
// (explicit axis ranges), axis swap/inversion and rotation. Both
// single-touch (ABS_X/ABS_Y with BTN_TOUCH, or BTN_LEFT as QEMU's
// usb-tablet and virtio-tablet send) and multi-touch protocol B (slot 0
// only: ABS_MT_SLOT, ABS_MT_TRACKING_ID, ABS_MT_POSITION_X/Y) are
// understood. Moves shorter than Opts.MinMove (4 px) are dropped and moves
// decoded together are coalesced into the newest, because the embedded
// Fyne driver repaints the whole window for each.
//
// Any other device with EV_KEY and all of KEY_A..KEY_Z and KEY_ENTER is a
// keyboard; mice (BTN_LEFT, relative axes), power and sleep buttons and
// media remotes lack those keys and are not read. A keyboard is grabbed
// (EVIOCGRAB) so that its keys reach only the kiosk, not the kernel's
// console (no Ctrl+Alt+Del, no Alt+Fn console switch, no SysRq); if the
// grab fails the keyboard is still read and the log says so. Its EV_KEY
// events become display events at once (value 1 press, 2 autorepeat, 0
// release):
//
//   - Escape, Return (the keypad's Enter too), Tab, BackSpace, Insert,
//     Delete, the arrows, Home, End, Page Up and Page Down, and F1..F12 are
//     KeyDown on press and on each autorepeat, and KeyUp on release, named
//     as fyne.KeyName ("Prior" and "Next" for the page keys);
//   - the printable keys are a Rune on press and autorepeat (nothing on
//     release): digits, letters, space, - = [ ] ; ' ` \ , . / and the
//     keypad's digits, - + . / and *;
//   - Shift (left or right) and CapsLock (a toggle, letters only) choose
//     the character; NumLock is ignored (the keypad always types digits);
//   - while Ctrl, Alt or Meta is held nothing is reported, neither a Rune
//     nor a KeyDown: a combination is not typing, and gets no meaning here
//     (a key already down still reports its KeyUp);
//   - SYN_DROPPED forgets the held modifiers, reports KeyUp for every key
//     reported down, and drops the events up to the next SYN_REPORT;
//     CapsLock keeps its state. The CapsLock LED is not driven.
//
// The layout is US QWERTY, always: the keyboard is the technician's, for
// service work on the kiosk, not the citizen's, and no keymap is loaded.
//
// The device directory is rescanned periodically, so a touchscreen or
// keyboard plugged in after boot (or re-enumerated after a USB reset) is
// picked up; each device found is logged.
//
// # Spec
//
// Linux include/uapi/linux/input.h (struct input_event, struct
// input_absinfo, EVIOCGBIT, EVIOCGABS, EVIOCGRAB),
// include/uapi/linux/input-event-codes.h (event types, ABS_*, BTN_* and
// the KEY_* codes of keyboard.go), Documentation/input/event-codes.rst
// (EV_KEY values, SYN_DROPPED) and Documentation/input/multi-touch-protocol.rst
// (protocol B). Key names: fyne.io/fyne/v2 key.go (third_party/fyne/key.go).
package evdev
