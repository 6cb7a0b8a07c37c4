package ipp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Delimiter tags (RFC 8010 §3.5.1): they open an attribute group or end the
// attribute part of a message.
const (
	TagOperation   byte = 0x01 // operation-attributes-tag
	TagJob         byte = 0x02 // job-attributes-tag
	TagEnd         byte = 0x03 // end-of-attributes-tag
	TagPrinter     byte = 0x04 // printer-attributes-tag
	TagUnsupported byte = 0x05 // unsupported-attributes-tag
)

// Value tags (RFC 8010 §3.5.2).
const (
	TagUnsupportedValue byte = 0x10 // out-of-band "unsupported"
	TagUnknown          byte = 0x12 // out-of-band "unknown"
	TagNoValue          byte = 0x13 // out-of-band "no-value"
	TagInteger          byte = 0x21
	TagBoolean          byte = 0x22
	TagEnum             byte = 0x23
	TagOctetString      byte = 0x30
	TagDateTime         byte = 0x31
	TagResolution       byte = 0x32
	TagRangeOfInteger   byte = 0x33
	TagBeginCollection  byte = 0x34
	TagTextWithLang     byte = 0x35
	TagNameWithLang     byte = 0x36
	TagEndCollection    byte = 0x37
	TagText             byte = 0x41 // textWithoutLanguage
	TagName             byte = 0x42 // nameWithoutLanguage
	TagKeyword          byte = 0x44
	TagURI              byte = 0x45
	TagURIScheme        byte = 0x46
	TagCharset          byte = 0x47
	TagLanguage         byte = 0x48 // naturalLanguage
	TagMimeMediaType    byte = 0x49
	TagMemberName       byte = 0x4A // memberAttrName, only inside a collection
	tagExtension        byte = 0x7F // RFC 8010 §3.5.2: a 4-byte tag follows; not used by any printer we drive
)

// headerLen is version-number (2) + operation-id/status-code (2) + request-id (4).
const headerLen = 8

// maxCollectionDepth bounds nesting so that a hostile message cannot exhaust
// the stack; real printers nest media-col → media-size, i.e. depth 2.
const maxCollectionDepth = 16

// Message is one IPP request or response (RFC 8010 §3.1.1).
type Message struct {
	// Version is the IPP version, e.g. {1, 1}.
	Version [2]byte
	// Code is the operation-id in a request and the status-code in a response.
	Code uint16
	// RequestID pairs a response with its request.
	RequestID uint32
	// Groups are the attribute groups in wire order.
	Groups []Group
}

// Group is one attribute group.
type Group struct {
	Tag   byte // TagOperation, TagJob, TagPrinter or TagUnsupported
	Attrs []Attribute
}

// Attribute is a named attribute with one or more values ("1setOf").
type Attribute struct {
	Name   string
	Values []Value
}

// Value is one attribute value: its value tag and raw bytes, or, for a
// collection (TagBeginCollection), its member attributes.
type Value struct {
	Tag     byte
	Data    []byte
	Members []Attribute
}

// Group returns the first group with tag, or nil.
func (m *Message) Group(tag byte) *Group {
	for i := range m.Groups {
		if m.Groups[i].Tag == tag {
			return &m.Groups[i]
		}
	}
	return nil
}

// Lookup returns the attribute name in the first group with tag.
func (m *Message) Lookup(tag byte, name string) (Attribute, bool) {
	g := m.Group(tag)
	if g == nil {
		return Attribute{}, false
	}
	return g.Lookup(name)
}

// Lookup returns the attribute called name.
func (g *Group) Lookup(name string) (Attribute, bool) {
	for _, a := range g.Attrs {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

// Add appends an attribute to the group.
func (g *Group) Add(name string, values ...Value) {
	g.Attrs = append(g.Attrs, Attribute{Name: name, Values: values})
}

// Integer returns an integer value.
func Integer(n int32) Value { return Value{Tag: TagInteger, Data: be32(uint32(n))} }

// Enum returns an enum value (job-state, printer-state, operations…).
func Enum(n int32) Value { return Value{Tag: TagEnum, Data: be32(uint32(n))} }

// Boolean returns a boolean value.
func Boolean(b bool) Value {
	if b {
		return Value{Tag: TagBoolean, Data: []byte{1}}
	}
	return Value{Tag: TagBoolean, Data: []byte{0}}
}

// String returns a value of a string syntax: tag is one of TagText, TagName,
// TagKeyword, TagURI, TagURIScheme, TagCharset, TagLanguage, TagMimeMediaType.
func String(tag byte, s string) Value { return Value{Tag: tag, Data: []byte(s)} }

// Keyword returns a keyword value.
func Keyword(s string) Value { return String(TagKeyword, s) }

// Resolution returns a resolution value in dots per inch.
func Resolution(x, y int32) Value {
	d := make([]byte, 9)
	binary.BigEndian.PutUint32(d, uint32(x))
	binary.BigEndian.PutUint32(d[4:], uint32(y))
	d[8] = 3 // RFC 8011 §5.1.16: units 3 = dots per inch, 4 = dots per cm
	return Value{Tag: TagResolution, Data: d}
}

// RangeOfInteger returns a rangeOfInteger value.
func RangeOfInteger(lo, hi int32) Value {
	d := make([]byte, 8)
	binary.BigEndian.PutUint32(d, uint32(lo))
	binary.BigEndian.PutUint32(d[4:], uint32(hi))
	return Value{Tag: TagRangeOfInteger, Data: d}
}

// Collection returns a collection value.
func Collection(members ...Attribute) Value {
	return Value{Tag: TagBeginCollection, Members: members}
}

// OutOfBand returns a value with no data (TagNoValue, TagUnknown, TagUnsupportedValue).
func OutOfBand(tag byte) Value { return Value{Tag: tag} }

func be32(n uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, n)
	return b
}

// Int returns the value of an integer or enum; ok is false for other syntaxes.
func (v Value) Int() (n int32, ok bool) {
	if (v.Tag != TagInteger && v.Tag != TagEnum) || len(v.Data) != 4 {
		return 0, false
	}
	return int32(binary.BigEndian.Uint32(v.Data)), true
}

// Bool returns the value of a boolean.
func (v Value) Bool() (b, ok bool) {
	if v.Tag != TagBoolean || len(v.Data) != 1 {
		return false, false
	}
	return v.Data[0] == 1, true
}

// Resolution returns a resolution in dots per inch (converting dots per cm).
func (v Value) Resolution() (x, y int32, ok bool) {
	if v.Tag != TagResolution || len(v.Data) != 9 {
		return 0, 0, false
	}
	x = int32(binary.BigEndian.Uint32(v.Data))
	y = int32(binary.BigEndian.Uint32(v.Data[4:]))
	if v.Data[8] == 4 { // dots per cm
		x, y = int32(math.Round(float64(x)*2.54)), int32(math.Round(float64(y)*2.54))
	}
	return x, y, true
}

// String returns the text of string syntaxes; for the *WithLanguage
// syntaxes it returns the text without the language.
func (v Value) String() string {
	if v.Tag == TagTextWithLang || v.Tag == TagNameWithLang {
		// RFC 8010 §3.9: 2-byte length, language, 2-byte length, text.
		d := v.Data
		if len(d) < 2 {
			return ""
		}
		n := int(binary.BigEndian.Uint16(d))
		if len(d) < 2+n+2 {
			return ""
		}
		d = d[2+n:]
		m := int(binary.BigEndian.Uint16(d))
		if len(d) < 2+m {
			return ""
		}
		return string(d[2 : 2+m])
	}
	return string(v.Data)
}

// Strings returns the string form of every value of a.
func (a Attribute) Strings() []string {
	s := make([]string, len(a.Values))
	for i, v := range a.Values {
		s[i] = v.String()
	}
	return s
}

// Int returns the first value of a as an integer or enum.
func (a Attribute) Int() (int32, bool) {
	if len(a.Values) == 0 {
		return 0, false
	}
	return a.Values[0].Int()
}

// Has reports whether any value of a is the string s.
func (a Attribute) Has(s string) bool {
	for _, v := range a.Values {
		if v.String() == s {
			return true
		}
	}
	return false
}

// fixedLen gives the wire length a value tag requires (RFC 8010 §3.9), or -1.
func fixedLen(tag byte) int {
	switch tag {
	case TagInteger, TagEnum:
		return 4
	case TagBoolean:
		return 1
	case TagDateTime:
		return 11
	case TagResolution:
		return 9
	case TagRangeOfInteger:
		return 8
	case TagUnsupportedValue, TagUnknown, TagNoValue, TagEndCollection:
		return 0
	}
	return -1
}

// AppendBinary appends the wire encoding of m to b (RFC 8010 §3.1.1). It
// fails on names or values longer than 32767 bytes, which the two-byte length
// fields cannot carry.
func (m *Message) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, m.Version[0], m.Version[1])
	b = binary.BigEndian.AppendUint16(b, m.Code)
	b = binary.BigEndian.AppendUint32(b, m.RequestID)
	var err error
	for _, g := range m.Groups {
		if g.Tag > 0x0F || g.Tag == TagEnd || g.Tag == 0 {
			return nil, fmt.Errorf("ipp: encode: group tag %#02x is not a group delimiter", g.Tag)
		}
		b = append(b, g.Tag)
		for _, a := range g.Attrs {
			if b, err = appendAttribute(b, a, 0); err != nil {
				return nil, err
			}
		}
	}
	return append(b, TagEnd), nil
}

// MarshalBinary returns the wire encoding of m.
func (m *Message) MarshalBinary() ([]byte, error) { return m.AppendBinary(nil) }

func appendAttribute(b []byte, a Attribute, depth int) ([]byte, error) {
	if len(a.Values) == 0 {
		return nil, fmt.Errorf("ipp: encode: attribute %q has no value (use OutOfBand(TagNoValue))", a.Name)
	}
	if a.Name == "" {
		return nil, errors.New("ipp: encode: attribute with an empty name")
	}
	var err error
	for i, v := range a.Values {
		name := a.Name
		if i > 0 {
			name = "" // RFC 8010 §3.1.5: additional values have name-length 0
		}
		if b, err = appendValue(b, name, v, depth); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func appendValue(b []byte, name string, v Value, depth int) ([]byte, error) {
	if v.Tag < 0x10 || v.Tag == tagExtension || v.Tag == TagEndCollection || v.Tag == TagMemberName {
		return nil, fmt.Errorf("ipp: encode: %q: value tag %#02x cannot be sent as a value", name, v.Tag)
	}
	if n := fixedLen(v.Tag); n >= 0 && len(v.Data) != n {
		return nil, fmt.Errorf("ipp: encode: %q: tag %#02x needs %d bytes, have %d", name, v.Tag, n, len(v.Data))
	}
	if len(name) > math.MaxInt16 || len(v.Data) > math.MaxInt16 {
		return nil, fmt.Errorf("ipp: encode: %q: name or value longer than %d bytes", name, math.MaxInt16)
	}
	b = append(b, v.Tag)
	b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
	b = append(b, name...)
	if v.Tag != TagBeginCollection {
		b = binary.BigEndian.AppendUint16(b, uint16(len(v.Data)))
		return append(b, v.Data...), nil
	}
	// RFC 8010 §3.1.6: begCollection has an empty value, then each member is
	// a memberAttrName value carrying the name, followed by its values with
	// empty names, and endCollection closes it.
	if len(v.Data) != 0 {
		return nil, fmt.Errorf("ipp: encode: %q: collection value carries data", name)
	}
	if depth >= maxCollectionDepth {
		return nil, fmt.Errorf("ipp: encode: %q: collections nested deeper than %d", name, maxCollectionDepth)
	}
	b = append(b, 0, 0)
	var err error
	for _, mem := range v.Members {
		if mem.Name == "" || len(mem.Name) > math.MaxInt16 || len(mem.Values) == 0 {
			return nil, fmt.Errorf("ipp: encode: %q: bad collection member %q", name, mem.Name)
		}
		b = append(b, TagMemberName, 0, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(len(mem.Name)))
		b = append(b, mem.Name...)
		for _, mv := range mem.Values {
			if b, err = appendValue(b, "", mv, depth+1); err != nil {
				return nil, err
			}
		}
	}
	return append(b, TagEndCollection, 0, 0, 0, 0), nil
}

// Decode parses one IPP message from the start of b and returns it with the
// number of bytes it used; what follows (b[n:]) is the document data of a
// Print-Job request. Malformed input yields an error, never a panic.
func Decode(b []byte) (m *Message, n int, err error) {
	d := decoder{b: b}
	m = &Message{}
	if len(b) < headerLen {
		return nil, 0, fmt.Errorf("ipp: decode: message of %d bytes is shorter than the %d-byte header: %w", len(b), headerLen, io.ErrUnexpectedEOF)
	}
	m.Version = [2]byte{b[0], b[1]}
	m.Code = binary.BigEndian.Uint16(b[2:])
	m.RequestID = binary.BigEndian.Uint32(b[4:])
	d.off = headerLen
	var cur *Group
	for {
		tag, err := d.byte()
		if err != nil {
			return nil, 0, fmt.Errorf("ipp: decode: no end-of-attributes tag: %w", err)
		}
		switch {
		case tag == TagEnd:
			return m, d.off, nil
		case tag < 0x10:
			// RFC 8010 §3.5.1: a group tag may repeat (e.g. one job group per
			// job in a Get-Jobs response), so every delimiter opens a group.
			if tag == 0 {
				return nil, 0, fmt.Errorf("ipp: decode: reserved delimiter tag 0x00 at byte %d", d.off-1)
			}
			m.Groups = append(m.Groups, Group{Tag: tag})
			cur = &m.Groups[len(m.Groups)-1]
		default:
			if cur == nil {
				return nil, 0, fmt.Errorf("ipp: decode: value tag %#02x at byte %d before any group tag", tag, d.off-1)
			}
			name, v, err := d.value(tag, 0)
			if err != nil {
				return nil, 0, err
			}
			if name == "" {
				if len(cur.Attrs) == 0 {
					return nil, 0, fmt.Errorf("ipp: decode: additional value at byte %d with no attribute before it", d.off)
				}
				last := &cur.Attrs[len(cur.Attrs)-1]
				last.Values = append(last.Values, v)
			} else {
				cur.Attrs = append(cur.Attrs, Attribute{Name: name, Values: []Value{v}})
			}
		}
	}
}

type decoder struct {
	b   []byte
	off int
}

func (d *decoder) byte() (byte, error) {
	if d.off >= len(d.b) {
		return 0, io.ErrUnexpectedEOF
	}
	c := d.b[d.off]
	d.off++
	return c, nil
}

// field reads a 2-byte length and that many bytes.
func (d *decoder) field(what string) ([]byte, error) {
	if d.off+2 > len(d.b) {
		return nil, fmt.Errorf("ipp: decode: %s length at byte %d: %w", what, d.off, io.ErrUnexpectedEOF)
	}
	n := int(binary.BigEndian.Uint16(d.b[d.off:]))
	d.off += 2
	if n > math.MaxInt16 {
		return nil, fmt.Errorf("ipp: decode: %s length %d at byte %d exceeds %d", what, n, d.off-2, math.MaxInt16)
	}
	if d.off+n > len(d.b) {
		return nil, fmt.Errorf("ipp: decode: %s of %d bytes at byte %d: %w", what, n, d.off, io.ErrUnexpectedEOF)
	}
	f := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return f, nil
}

// value reads name-length, name, value-length and value after tag; for a
// collection it reads the members up to the matching endCollection.
func (d *decoder) value(tag byte, depth int) (string, Value, error) {
	at := d.off - 1
	name, err := d.field("name")
	if err != nil {
		return "", Value{}, err
	}
	data, err := d.field("value")
	if err != nil {
		return "", Value{}, err
	}
	switch tag {
	case tagExtension:
		return "", Value{}, fmt.Errorf("ipp: decode: extension value tag 0x7f at byte %d is not supported", at)
	case TagEndCollection, TagMemberName:
		return "", Value{}, fmt.Errorf("ipp: decode: tag %#02x at byte %d outside a collection", tag, at)
	}
	if n := fixedLen(tag); n >= 0 && len(data) != n {
		return "", Value{}, fmt.Errorf("ipp: decode: %q at byte %d: tag %#02x needs %d value bytes, has %d", name, at, tag, n, len(data))
	}
	v := Value{Tag: tag, Data: data}
	if tag != TagBeginCollection {
		return string(name), v, nil
	}
	if len(data) != 0 {
		return "", Value{}, fmt.Errorf("ipp: decode: %q at byte %d: begCollection with a %d-byte value", name, at, len(data))
	}
	if depth >= maxCollectionDepth {
		return "", Value{}, fmt.Errorf("ipp: decode: collections nested deeper than %d at byte %d", maxCollectionDepth, at)
	}
	v.Data = nil
	for {
		mt, err := d.byte()
		if err != nil {
			return "", Value{}, fmt.Errorf("ipp: decode: collection %q not closed: %w", name, err)
		}
		mat := d.off - 1
		if mt < 0x10 {
			return "", Value{}, fmt.Errorf("ipp: decode: delimiter tag %#02x at byte %d inside collection %q", mt, mat, name)
		}
		mname, err := d.field("name")
		if err != nil {
			return "", Value{}, err
		}
		if len(mname) != 0 {
			return "", Value{}, fmt.Errorf("ipp: decode: named value %q at byte %d inside collection %q", mname, mat, name)
		}
		if (mt == TagEndCollection || mt == TagMemberName) && len(v.Members) > 0 && len(v.Members[len(v.Members)-1].Values) == 0 {
			return "", Value{}, fmt.Errorf("ipp: decode: member %q of collection %q has no value (byte %d)", v.Members[len(v.Members)-1].Name, name, mat)
		}
		switch mt {
		case TagEndCollection:
			end, err := d.field("value")
			if err != nil {
				return "", Value{}, err
			}
			if len(end) != 0 {
				return "", Value{}, fmt.Errorf("ipp: decode: endCollection at byte %d has a value", mat)
			}
			return string(name), v, nil
		case TagMemberName:
			mn, err := d.field("member name")
			if err != nil {
				return "", Value{}, err
			}
			if len(mn) == 0 {
				return "", Value{}, fmt.Errorf("ipp: decode: empty member name at byte %d", mat)
			}
			v.Members = append(v.Members, Attribute{Name: string(mn)})
		default:
			if len(v.Members) == 0 {
				return "", Value{}, fmt.Errorf("ipp: decode: value at byte %d in collection %q before a member name", mat, name)
			}
			d.off -= 2 // the member value has its own (empty) name field; re-read it
			_, mv, err := d.value(mt, depth+1)
			if err != nil {
				return "", Value{}, err
			}
			last := &v.Members[len(v.Members)-1]
			last.Values = append(last.Values, mv)
		}
	}
}
