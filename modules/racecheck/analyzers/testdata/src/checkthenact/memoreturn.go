package checkthenact

import (
	"errors"
	"sync"
)

// temporalio/sdk-go internal/grpc_dialer.go at 83fc2bc6: a memo of the
// methods whose server refuses gzip. A method found there, and a method
// just stored there, are retried alike with the identity compressor:
// the goroutine that stored the marker goes on as one that found it
// would, so two that store it both do what either would have.
type callOption struct{ compressor string }

var errUnimplemented = errors.New("unimplemented")

func withIdentity(opts []callOption) []callOption {
	return append(append([]callOption(nil), opts...), callOption{compressor: "identity"})
}

func newDowngrader() func(method string, invoke func(string, []callOption) error, opts []callOption) error {
	var unsupported sync.Map
	return func(method string, invoke func(string, []callOption) error, opts []callOption) error {
		if _, ok := unsupported.Load(method); ok {
			return invoke(method, withIdentity(opts))
		}
		err := invoke(method, opts)
		if !errors.Is(err, errUnimplemented) {
			return err
		}
		unsupported.Store(method, struct{}{})
		return invoke(method, withIdentity(opts))
	}
}

// After the marker, work that the found branch does not do is work done
// as the one that marked the method: two that both miss both do it.
func newCountingDowngrader(report func(string) error) func(method string, invoke func(string, []callOption) error, opts []callOption) error {
	var unsupported sync.Map
	return func(method string, invoke func(string, []callOption) error, opts []callOption) error {
		if _, ok := unsupported.Load(method); ok {
			return invoke(method, withIdentity(opts))
		}
		err := invoke(method, opts)
		if !errors.Is(err, errUnimplemented) {
			return err
		}
		unsupported.Store(method, struct{}{}) // want `unsupported.Store\(method\) after unsupported.Load\(method\) on line 41 runs only when the check found no entry`
		return reportFirst(report, method)
	}
}

func reportFirst(report func(string) error, method string) error { return report(method) }
