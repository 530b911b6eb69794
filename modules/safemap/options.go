package safemap

import (
	"errors"
	"fmt"
)

// ErrInvalidCapacity is wrapped by the panic value of New when WithPresize is
// given a negative size. The wrapping error's message is this one followed
// by the option and the value given.
var ErrInvalidCapacity = errors.New("safemap: invalid capacity")

// Option configures a Map created by New. Options are opaque; build them with
// WithPresize and WithGrowOnly.
type Option struct {
	apply func(*config)
}

type config struct {
	presize  int
	growOnly bool
	err      error
}

// WithPresize sizes the map for n entries, so that the first n insertions do
// not grow the table. The table never shrinks below this size. n must be
// >= 0; New panics with an error wrapping ErrInvalidCapacity otherwise.
func WithPresize(n int) Option {
	return Option{apply: func(c *config) {
		if n < 0 {
			c.err = fmt.Errorf("%w: WithPresize(n) needs n >= 0, got %d", ErrInvalidCapacity, n)
			return
		}
		c.presize = n
	}}
}

// WithGrowOnly disables shrinking: the table keeps its largest size after
// deletions. Use it for maps whose size oscillates, to avoid repeated
// resizing.
func WithGrowOnly() Option {
	return Option{apply: func(c *config) { c.growOnly = true }}
}

func buildConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	if c.err != nil {
		panic(c.err)
	}
	return c
}
