// Package fbdev is the appliance's display.Screen: the Linux framebuffer
// device (/dev/fb0), as efifb (PC, QEMU -vga std) or the Raspberry Pi's
// firmware framebuffer provide it. No DRM, no cgo.
//
// The frame arrives as *image.RGBA; each Present converts just the dirty
// rectangle into the framebuffer's pixel format, straight into the mmapped
// device memory: 32 bpp (BGRX as efifb reports it, RGBX, or any other
// 8-bit-channel order) and 16 bpp (RGB565, BGR565). The stride is the
// device's line_length, not width×bytes-per-pixel, and the visible area
// starts at (xoffset, yoffset) of the virtual resolution.
//
// # Spec
//
// Linux include/uapi/linux/fb.h: FBIOGET_VSCREENINFO (struct
// fb_var_screeninfo), FBIOGET_FSCREENINFO (struct fb_fix_screeninfo);
// Documentation/fb/api.rst for the meaning of the colour bitfields.
// include/uapi/linux/kd.h: KDSETMODE KD_GRAPHICS keeps fbcon from drawing
// its cursor and text over the kiosk.
package fbdev
