// Package alsa plays audio.Clips on a Linux sound card through the kernel's
// ALSA PCM interface, without alsa-lib and without cgo: it opens
// /dev/snd/pcmC<card>D<device>p and speaks the PCM ioctls itself, so the
// appliance build (CGO_ENABLED=0, -tags noos) has sound.
//
// It is the tinyalsa approach: negotiate interleaved S16_LE with
// HW_REFINE/HW_PARAMS, set wake-up and start thresholds with SW_PARAMS,
// PREPARE, write periods with WRITEI_FRAMES, DRAIN at the end, DROP to stop
// early. A card that refuses mono or the clip's rate (HDA codecs and HDMI
// take stereo at 44.1/48 kHz only) gets the clip converted in software with
// audio.Stereo and audio.Resample. An underrun (-EPIPE, the kiosk was busy
// and the buffer ran dry) is recovered by PREPARE and writing on.
//
// Devices are found without udev by listing /dev/snd; card names come from
// /proc/asound/cards. The amd64 gokrazy kernel (kernel.amd64, 7.1) builds in
// snd-pcm and snd-hda-intel but no HD-audio codec driver and no
// snd-usb-audio, so a PC kiosk on it has no PCM device: OpenDefault reports
// audio.ErrNoDevice with that hint, and the kiosk runs silent. The Pi kernel
// has the bcm2835 headphone jack and HDMI audio.
//
// # Spec
//
// Linux include/uapi/sound/asound.h, PCM interface protocol 2.0.x
// (SNDRV_PCM_VERSION): struct snd_pcm_hw_params, snd_pcm_sw_params,
// snd_xferi and the SNDRV_PCM_IOCTL_* numbers, built with the generic
// _IOC encoding of include/uapi/asm-generic/ioctl.h that amd64 and arm64
// share. The layouts here follow the LP64 C ABI of both.
package alsa
