package ipp

import "fmt"

// Operation ids (RFC 8011 §5.4.15).
const (
	OpPrintJob              uint16 = 0x0002
	OpValidateJob           uint16 = 0x0004
	OpCancelJob             uint16 = 0x0008
	OpGetJobAttributes      uint16 = 0x0009
	OpGetPrinterAttributes  uint16 = 0x000B
	statusSuccessfulOKLimit uint16 = 0x00FF // successful-ok codes are 0x0000–0x00FF
)

// Status codes (RFC 8011 §B) that the driver and the simulator act on.
const (
	StatusOK                         uint16 = 0x0000 // successful-ok
	StatusOKIgnoredOrSubstituted     uint16 = 0x0001 // successful-ok-ignored-or-substituted-attributes
	StatusBadRequest                 uint16 = 0x0400 // client-error-bad-request
	StatusNotFound                   uint16 = 0x0406 // client-error-not-found
	StatusNotPossible                uint16 = 0x0404 // client-error-not-possible
	StatusDocumentFormatNotSupported uint16 = 0x040A // client-error-document-format-not-supported
	StatusAttributesNotSupported     uint16 = 0x040B // client-error-attributes-or-values-not-supported
	StatusInternalError              uint16 = 0x0500 // server-error-internal-error
	StatusOperationNotSupported      uint16 = 0x0501 // server-error-operation-not-supported
	StatusVersionNotSupported        uint16 = 0x0503 // server-error-version-not-supported
	StatusNotAcceptingJobs           uint16 = 0x0506 // server-error-not-accepting-jobs
	StatusBusy                       uint16 = 0x0507 // server-error-busy
	StatusJobCanceled                uint16 = 0x0508 // server-error-job-canceled
)

var statusNames = map[uint16]string{
	StatusOK:                         "successful-ok",
	StatusOKIgnoredOrSubstituted:     "successful-ok-ignored-or-substituted-attributes",
	StatusBadRequest:                 "client-error-bad-request",
	StatusNotFound:                   "client-error-not-found",
	StatusNotPossible:                "client-error-not-possible",
	StatusDocumentFormatNotSupported: "client-error-document-format-not-supported",
	StatusAttributesNotSupported:     "client-error-attributes-or-values-not-supported",
	StatusInternalError:              "server-error-internal-error",
	StatusOperationNotSupported:      "server-error-operation-not-supported",
	StatusVersionNotSupported:        "server-error-version-not-supported",
	StatusNotAcceptingJobs:           "server-error-not-accepting-jobs",
	StatusBusy:                       "server-error-busy",
	StatusJobCanceled:                "server-error-job-canceled",
}

// StatusName returns the RFC 8011 keyword of an IPP status code.
func StatusName(code uint16) string {
	if s, ok := statusNames[code]; ok {
		return s
	}
	return fmt.Sprintf("status-%#04x", code)
}

// isSuccess reports whether code is in the successful-ok range (0x0000–0x00FF).
func isSuccess(code uint16) bool { return code <= statusSuccessfulOKLimit }

// StatusError is a response whose status code is not successful. Code
// returns the IPP status code; Message is the printer's status-message, if any.
type StatusError struct {
	Op      string
	Status  uint16
	Message string
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("ipp: %s: %s (%#04x)", e.Op, StatusName(e.Status), e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Code returns the IPP status code.
func (e *StatusError) Code() uint16 { return e.Status }

// Printer states (RFC 8011 §5.4.11).
const (
	PrinterIdle       = 3
	PrinterProcessing = 4
	PrinterStopped    = 5
)

// JobState is the job-state enum (RFC 8011 §5.3.7).
type JobState int32

// Job states.
const (
	JobPending           JobState = 3
	JobPendingHeld       JobState = 4
	JobProcessing        JobState = 5
	JobProcessingStopped JobState = 6
	JobCanceled          JobState = 7
	JobAborted           JobState = 8
	JobCompleted         JobState = 9
)

// Terminal reports whether the job will not change state again.
func (s JobState) Terminal() bool { return s >= JobCanceled && s <= JobCompleted }

func (s JobState) String() string {
	switch s {
	case JobPending:
		return "pending"
	case JobPendingHeld:
		return "pending-held"
	case JobProcessing:
		return "processing"
	case JobProcessingStopped:
		return "processing-stopped"
	case JobCanceled:
		return "canceled"
	case JobAborted:
		return "aborted"
	case JobCompleted:
		return "completed"
	}
	return fmt.Sprintf("job-state(%d)", int32(s))
}
