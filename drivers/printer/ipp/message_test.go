package ipp

import (
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// unhex turns a spaced hex dump into bytes.
func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The Get-Job-Attributes request of RFC 8010 §3.1.2's layout, written out
// byte by byte from the RFC, not by the encoder.
const getJobWire = `
0101 0009 0000002a
01
47 0012 617474726962757465732d63686172736574 0005 7574662d38
48 001b 617474726962757465732d6e61747572616c2d6c616e6775616765 0002 656e
45 000b 7072696e7465722d757269 001d 6970703a2f2f6c6f63616c686f73743a3633312f6970702f7072696e74
21 0006 6a6f622d6964 0004 00000007
44 0014 7265717565737465642d61747472696275746573 0009 6a6f622d7374617465
44 0000 0011 6a6f622d73746174652d726561736f6e73
03`

func getJobRequest() *Message {
	g := Group{Tag: TagOperation}
	g.Add("attributes-charset", String(TagCharset, "utf-8"))
	g.Add("attributes-natural-language", String(TagLanguage, "en"))
	g.Add("printer-uri", String(TagURI, "ipp://localhost:631/ipp/print"))
	g.Add("job-id", Integer(7))
	g.Add("requested-attributes", Keyword("job-state"), Keyword("job-state-reasons"))
	return &Message{Version: [2]byte{1, 1}, Code: OpGetJobAttributes, RequestID: 42, Groups: []Group{g}}
}

func TestEncodeWire(t *testing.T) {
	got, err := getJobRequest().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, getJobWire); !bytes.Equal(got, want) {
		t.Errorf("MarshalBinary() =\n% x\nwant\n% x", got, want)
	}
}

// A response with a collection in a collection, a textWithLanguage, an
// out-of-band value and a resolution in dots per cm, then document data.
const responseWire = `
0200 0000 00000003
01
47 0012 617474726962757465732d63686172736574 0005 7574662d38
04
23 000d 7072696e7465722d7374617465 0004 00000003
34 000f 6d656469612d636f6c2d7265616479 0000
  4a 0000 000a 6d656469612d73697a65
  34 0000 0000
    4a 0000 000b 782d64696d656e73696f6e
    21 0000 0004 00005208
  37 0000 0000
  4a 0000 000c 6d656469612d736f75726365
  44 0000 0004 6d61696e
  44 0000 0006 6d616e75616c
37 0000 0000
35 0004 696e666f 000b 0002 6869 0005 6e616d6173
13 0005 6d65646961 0000
32 0003 726573 0009 00000076 00000076 04
03
ffd8`

func TestDecodeResponse(t *testing.T) {
	b := unhex(t, responseWire)
	m, n, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got, want := b[n:], []byte{0xff, 0xd8}; !bytes.Equal(got, want) {
		t.Errorf("data after attributes = % x, want % x", got, want)
	}
	if m.Version != [2]byte{2, 0} || m.Code != StatusOK || m.RequestID != 3 {
		t.Errorf("header = %v %#x %d", m.Version, m.Code, m.RequestID)
	}
	if st, _ := mustLookup(t, m, "printer-state").Int(); st != PrinterIdle {
		t.Errorf("printer-state = %d, want 3", st)
	}
	col := mustLookup(t, m, "media-col-ready").Values[0]
	if len(col.Members) != 2 || col.Members[0].Name != "media-size" || col.Members[1].Name != "media-source" {
		t.Fatalf("media-col-ready members = %+v", col.Members)
	}
	if x, _ := col.Members[0].Values[0].Members[0].Int(); x != 21000 {
		t.Errorf("x-dimension = %d, want 21000", x)
	}
	if got := col.Members[1].Strings(); strings.Join(got, ",") != "main,manual" {
		t.Errorf("media-source = %v, want main,manual", got)
	}
	if got := mustLookup(t, m, "info").Values[0].String(); got != "namas" {
		t.Errorf("textWithLanguage = %q, want %q", got, "namas")
	}
	if v := mustLookup(t, m, "media").Values[0]; v.Tag != TagNoValue {
		t.Errorf("media tag = %#x, want no-value", v.Tag)
	}
	if x, y, ok := mustLookup(t, m, "res").Values[0].Resolution(); !ok || x != 300 || y != 300 {
		t.Errorf("118 dots/cm = %d×%d dpi, want 300×300", x, y)
	}
	again, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b[:n]) {
		t.Errorf("re-encoding differs:\n% x\n% x", again, b[:n])
	}
}

func mustLookup(t *testing.T, m *Message, name string) Attribute {
	t.Helper()
	for _, g := range m.Groups {
		if a, ok := g.Lookup(name); ok {
			return a
		}
	}
	t.Fatalf("no attribute %q", name)
	return Attribute{}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range []struct{ name, wire string }{
		{"short header", "0101 0009"},
		{"no end tag", "0101 0009 00000001 01"},
		{"value before group", "0101 0009 00000001 21 0001 61 0004 00000001 03"},
		{"additional value first", "0101 0009 00000001 01 21 0000 0004 00000001 03"},
		{"integer of 3 bytes", "0101 0009 00000001 01 21 0001 61 0003 000001 03"},
		{"name past end", "0101 0009 00000001 01 21 00ff 61"},
		{"unclosed collection", "0101 0009 00000001 01 34 0001 61 0000 03"},
		{"member value before name", "0101 0009 00000001 01 34 0001 61 0000 21 0000 0004 00000001 37 0000 0000 03"},
		{"member without value", "0101 0009 00000001 01 34 0001 61 0000 4a 0000 0001 62 37 0000 0000 03"},
		{"end collection outside", "0101 0009 00000001 01 37 0001 61 0000 03"},
		{"extension tag", "0101 0009 00000001 01 7f 0001 61 0004 00000001 03"},
		{"reserved delimiter", "0101 0009 00000001 00 03"},
	} {
		if _, _, err := Decode(unhex(t, tt.wire)); err == nil {
			t.Errorf("%s: Decode() succeeded, want an error", tt.name)
		}
	}
}

func TestDeepCollectionRefused(t *testing.T) {
	v := Collection(Attribute{Name: "x", Values: []Value{Integer(1)}})
	for range maxCollectionDepth + 1 {
		v = Collection(Attribute{Name: "c", Values: []Value{v}})
	}
	m := &Message{Version: [2]byte{1, 1}, Groups: []Group{{Tag: TagPrinter, Attrs: []Attribute{{Name: "deep", Values: []Value{v}}}}}}
	if _, err := m.MarshalBinary(); err == nil {
		t.Error("MarshalBinary of an over-deep collection succeeded")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(unhex(f, getJobWire))
	f.Add(unhex(f, responseWire))
	if raw, err := os.ReadFile(ippeveResponse); err == nil {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, n, err := Decode(b)
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("used %d of %d bytes", n, len(b))
		}
		// The decoder accepts only what the encoder can write back, and
		// the encoding is canonical: re-encoding gives the same bytes.
		again, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("re-encode of a decoded message: %v", err)
		}
		if !bytes.Equal(again, b[:n]) {
			t.Fatalf("re-encoding differs:\n% x\n% x", again, b[:n])
		}
	})
}

func BenchmarkEncodeGetJobAttributes(b *testing.B) {
	m := getJobRequest()
	buf := make([]byte, 0, 512)
	for b.Loop() {
		var err error
		if buf, err = m.AppendBinary(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeResponse(b *testing.B) {
	raw := unhex(b, responseWire)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

const ippeveResponse = "testdata/ippeveprinter-get-printer-attributes.ipp"

// TestDecodeIppeveprinterResponse decodes a real printer's answer.
func TestDecodeIppeveprinterResponse(t *testing.T) {
	raw, err := os.ReadFile(ippeveResponse)
	if err != nil {
		t.Fatal(err)
	}
	m, n, err := Decode(raw)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if n != len(raw) || m.Code != StatusOK || m.RequestID != 1 {
		t.Errorf("used %d of %d bytes, status %s, request-id %d", n, len(raw), StatusName(m.Code), m.RequestID)
	}
	formats, _ := m.Lookup(TagPrinter, "document-format-supported")
	types, _ := m.Lookup(TagPrinter, "pwg-raster-document-type-supported")
	if !formats.Has("image/pwg-raster") || strings.Join(types.Strings(), ",") != "black_1,sgray_8" {
		t.Errorf("formats %v, raster types %v", formats.Strings(), types.Strings())
	}
	res, _ := m.Lookup(TagPrinter, "pwg-raster-document-resolution-supported")
	var dpis []int32
	for _, v := range res.Values {
		x, _, _ := v.Resolution()
		dpis = append(dpis, x)
	}
	if len(dpis) != 2 || dpis[0] != 300 || dpis[1] != 600 {
		t.Errorf("resolutions %v, want [300 600]", dpis)
	}
	db, _ := m.Lookup(TagPrinter, "media-col-ready")
	if len(db.Values) == 0 || db.Values[0].Tag != TagBeginCollection || len(db.Values[0].Members) == 0 {
		t.Errorf("media-col-ready = %d values, want collections", len(db.Values))
	}
	again, err := m.MarshalBinary()
	if err != nil || !bytes.Equal(again, raw) {
		t.Errorf("re-encoding differs from the printer's bytes (err %v)", err)
	}
}

func BenchmarkDecodeIppeveprinterResponse(b *testing.B) {
	raw, err := os.ReadFile(ippeveResponse)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
