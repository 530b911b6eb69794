package t11

// Fixed version: partDone uses the value returned by done.Add(1) to decide
// whether this goroutine finished the last part. Add is a single atomic
// read-modify-write, so exactly one goroutine observes total and completes
// the upload.

import (
	"bytes"
	"context"
	"sync/atomic"
)

// UploaderFixed uploads blobs in parts.
type UploaderFixed struct {
	store ObjectStore
	opts  Options
}

// NewUploaderFixed returns an UploaderFixed.
func NewUploaderFixed(store ObjectStore, opts Options) *UploaderFixed {
	if opts.PartSize <= 0 {
		opts.PartSize = 8 << 20
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	return &UploaderFixed{store: store, opts: opts}
}

type uploadFixed struct {
	u      *UploaderFixed
	key    string
	id     string
	total  int
	etags  []string
	done   atomic.Int32
	failed atomic.Bool
	cancel context.CancelFunc
	result chan error
}

func (up *uploadFixed) fail(ctx context.Context, err error) {
	if up.failed.CompareAndSwap(false, true) {
		up.cancel()
		_ = up.u.store.Abort(context.WithoutCancel(ctx), up.key, up.id)
		up.result <- err
	}
}

func (up *uploadFixed) finish(ctx context.Context) {
	err := up.u.store.Complete(ctx, up.key, up.id, up.etags)
	if err == nil && up.u.opts.OnComplete != nil {
		up.u.opts.OnComplete(up.key)
	}
	up.result <- err
}

func (up *uploadFixed) partDone(ctx context.Context, part int, etag string) {
	up.etags[part] = etag
	if int(up.done.Add(1)) == up.total {
		up.finish(ctx)
	}
}

// Upload stores blob under key and returns once the upload is complete.
func (u *UploaderFixed) Upload(ctx context.Context, key string, blob []byte) error {
	if len(blob) == 0 {
		return ErrEmpty
	}
	id, err := u.store.CreateMultipart(ctx, key)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	total := (len(blob) + u.opts.PartSize - 1) / u.opts.PartSize
	up := &uploadFixed{u: u, key: key, id: id, total: total,
		etags: make([]string, total), cancel: cancel, result: make(chan error, 2)}
	sem := make(chan struct{}, u.opts.Parallel)
	for i := 0; i < total; i++ {
		lo := i * u.opts.PartSize
		hi := min(lo+u.opts.PartSize, len(blob))
		sem <- struct{}{}
		go func(part int, data []byte) {
			defer func() { <-sem }()
			etag, err := u.store.UploadPart(ctx, key, id, part+1, bytes.NewReader(data))
			if err != nil {
				up.fail(ctx, err)
				return
			}
			up.partDone(ctx, part, etag)
		}(i, blob[lo:hi])
	}
	return <-up.result
}
