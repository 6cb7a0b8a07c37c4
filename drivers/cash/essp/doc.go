// Package essp drives ITL note validators (NV9, NV10, NV200 …) over SSP, the
// Smiley Secure Protocol, and implements cash.BillAcceptor.
//
// The driver takes an io.ReadWriter (a serial port opened at 9600 8N2, a pty,
// or an in-process pipe to esspsim); when the transport has read/write
// deadlines (os.File, net.Conn) they give the 1 s reply timeout and the
// retransmission of the same packet with the same sequence flag that SSP
// relies on to never execute a command twice.
//
// # Protocol
//
// ITL "SSP Protocol Manual" GA138 v2.2 (Transport Layer; Generic Commands and
// Responses; Banknote Validator command and event tables; Reject Codes) and
// "SSP Implementation Guide" GA973 v2.2 (3.1 packet format, 8.1 sync, 8.3
// note flows). Facts as checked in ../shared/docs/cash-protocols.md §1.
//
// Packet: STX 0x7F | SEQ/ID | LEN | DATA… | CRCL CRCH. CRC-16 polynomial
// 0x8005, seed 0xFFFF, MSB first, over SEQ/ID..DATA, sent low byte first.
// After the STX every 0x7F is sent twice. The host toggles bit 7 of SEQ/ID
// for every new command; a device that sees the same flag again re-sends its
// last reply without executing.
//
// The escrow contract of cash.BillAcceptor maps onto SSP like this: a READ
// event with a channel puts the note in escrow; the driver then sends HOLD
// instead of POLL (every command but POLL restarts the escrow timeout) until
// the caller decides. Accept makes the next command a POLL, which accepts the
// note (GA973 8.3); Return sends REJECT. NOTE CREDIT is the credit point and
// becomes exactly one cash.Stacked event per note.
//
// Encrypted eSSP (key exchange, AES) is required only for payout devices and
// is not implemented: a note validator answers plain SSP.
package essp
