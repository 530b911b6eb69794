package shardcache

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestErrorsAreOneLineWithOnePrefix: every error the package returns is one
// line that starts with "shardcache: " exactly once.
func TestErrorsAreOneLineWithOnePrefix(t *testing.T) {
	var errs []error
	for _, opts := range []Options[int, int]{
		{}, {MaxEntries: -1}, {MaxEntries: 1 << 62}, {MaxWeight: 10}, {MaxEntries: 10, TTL: -1},
		{MaxEntries: 10, Shards: -1}, {MaxEntries: 1000, Shards: 8},
	} {
		_, err := New(opts)
		require.Error(t, err)
		errs = append(errs, err)
	}
	c := mustNew(t, Options[int, int]{MaxEntries: 10})
	_, err := c.GetOrLoad(context.Background(), 1, func(context.Context, int) (int, error) {
		panic(errors.New("multi\nline\npanic"))
	})
	errs = append(errs, err)
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	require.NotEmpty(t, pe.Stack, "the stack is kept in the field")
	//lint:ignore SA1012 the nil context is the point of the test
	_, err = c.GetOrLoad(nil, 1, nil) //nolint:staticcheck
	errs = append(errs, err)
	require.NoError(t, c.Close())
	_, err = c.GetOrLoad(context.Background(), 2, func(context.Context, int) (int, error) { return 0, nil })
	errs = append(errs, err)
	errs = append(errs, ErrInvalidCapacity, ErrMissingWeigher, ErrInvalidTTL, ErrInvalidShards, ErrInvalidArgument, ErrClosed)
	for _, err := range errs {
		msg := err.Error()
		require.NotContains(t, msg, "\n", msg)
		require.True(t, strings.HasPrefix(msg, "shardcache: "), msg)
		require.Equal(t, 1, strings.Count(msg, "shardcache:"), msg)
	}
}
