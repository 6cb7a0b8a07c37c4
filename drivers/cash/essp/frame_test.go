package essp

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Vectors from cash-protocols.md §1.2 (GA138 examples and computed ones).
var vectors = []struct {
	name  string
	seqID byte
	data  string
	wire  string
}{
	{"SYNC seq 1", 0x80, "11", "7F 80 01 11 65 82"},
	{"SYNC seq 0", 0x00, "11", "7F 00 01 11 66 08"},
	{"reply OK seq 1", 0x80, "F0", "7F 80 01 F0 23 80"},
	{"POLL seq 1", 0x80, "07", "7F 80 01 07 12 02"},
	{"POLL seq 0", 0x00, "07", "7F 00 01 07 11 88"},
	{"HOST PROTOCOL VERSION 8", 0x80, "06 08", "7F 80 02 06 08 03 94"},
	{"reply FAIL", 0x80, "F8", "7F 80 01 F8 10 00"},
	{"SET INHIBITS ch 1-3", 0x80, "02 07 00", "7F 80 03 02 07 00 2B B6"},
	{"GET SERIAL NUMBER reply", 0x80, "F0 00 1C 96 2C", "7F 80 05 F0 00 1C 96 2C D4 97"},
	{"POLL reply credit ch1 + stacked", 0x80, "F0 EE 01 EB", "7F 80 04 F0 EE 01 EB B9 48"},
	{"POLL reply read ch 3", 0x80, "F0 EF 03", "7F 80 03 F0 EF 03 C5 CA"},
	{"SET INHIBITS 7F 00 stuffed", 0x00, "02 7F 00", "7F 00 03 02 7F 7F 00 2D 9A"},
}

func TestEncodeVectors(t *testing.T) {
	for _, v := range vectors {
		got, err := Encode(v.seqID, unhex(t, v.data))
		if err != nil {
			t.Fatal(err)
		}
		if want := unhex(t, v.wire); !bytes.Equal(got, want) {
			t.Errorf("%s: Encode() = % X, want % X", v.name, got, want)
		}
	}
}

func TestReadFrameVectors(t *testing.T) {
	for _, v := range vectors {
		f, err := ReadFrame(bufio.NewReader(bytes.NewReader(unhex(t, v.wire))))
		if err != nil {
			t.Errorf("%s: ReadFrame() = %v", v.name, err)
			continue
		}
		if f.SeqID != v.seqID || !bytes.Equal(f.Data, unhex(t, v.data)) {
			t.Errorf("%s: ReadFrame() = %02X % X", v.name, f.SeqID, f.Data)
		}
	}
}

func TestReadFrameNoiseResyncAndCRC(t *testing.T) {
	poll := unhex(t, "7F 80 01 07 12 02")
	// Noise before, then a packet cut short by a new STX (sender restarted),
	// then a good packet.
	stream := append(unhex(t, "00 13 7F 80 03 F0"), poll...)
	f, err := ReadFrame(bufio.NewReader(bytes.NewReader(stream)))
	if err != nil || !bytes.Equal(f.Data, []byte{0x07}) {
		t.Fatalf("ReadFrame(noise+restart+poll) = %v, %v; want POLL", f, err)
	}
	bad := unhex(t, "7F 80 01 07 12 03")
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(bad))); !errors.Is(err, ErrCRC) {
		t.Errorf("ReadFrame(bad CRC) = %v, want ErrCRC", err)
	}
}

func TestStuffingRoundTrip(t *testing.T) {
	data := []byte{0x7F, 0x7F, 0x00, 0x7F, 0xFF}
	// Addresses stop at 0x7D, so SEQ/ID is never 0x7F.
	for _, seq := range []byte{0x00, 0x80, 0xFD} {
		wire, err := Encode(seq, data)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ReadFrame(bufio.NewReader(bytes.NewReader(wire)))
		if err != nil || f.SeqID != seq || !bytes.Equal(f.Data, data) {
			t.Errorf("round trip seq %02X = %v, %v", seq, f, err)
		}
	}
	if _, err := Encode(0, make([]byte, 256)); err == nil {
		t.Errorf("Encode(256 bytes) succeeded")
	}
}

func FuzzDecode(f *testing.F) {
	for _, v := range vectors {
		f.Add(unhex(f, v.wire))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for {
			fr, err := ReadFrame(r)
			if err != nil && !errors.Is(err, ErrCRC) {
				return
			}
			if err != nil {
				continue
			}
			// Whatever decodes must re-encode to a packet that decodes the same.
			wire, err := Encode(fr.SeqID, fr.Data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ReadFrame(bufio.NewReader(bytes.NewReader(wire)))
			if err != nil || again.SeqID != fr.SeqID || !bytes.Equal(again.Data, fr.Data) {
				t.Fatalf("re-decode of % X = %v, %v", wire, again, err)
			}
		}
	})
}

func BenchmarkEncodePoll(b *testing.B) {
	for b.Loop() {
		Encode(0x80, []byte{0x07})
	}
}

func BenchmarkReadFrame(b *testing.B) {
	wire, _ := Encode(0x80, []byte{0xF0, 0xEE, 0x01, 0xCC, 0xEB})
	rd := bytes.NewReader(wire)
	br := bufio.NewReader(rd)
	for b.Loop() {
		rd.Reset(wire)
		br.Reset(rd)
		if _, err := ReadFrame(br); err != nil {
			b.Fatal(err)
		}
	}
}
