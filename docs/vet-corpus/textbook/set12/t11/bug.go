// Package t11 uploads large blobs to object storage using multipart upload.
//
// Concurrency: Uploader.Upload splits the blob into parts and uploads up to
// Options.Parallel parts at once, one goroutine per part. Each part
// goroutine records its ETag in its own slot of etags and bumps the shared
// atomic counter done; whichever goroutine uploads the last part completes
// the upload and reports the result on a channel that Upload waits on.
//
// BUG: partDone increments done with Add and then separately Loads it to see
// whether it was the last part. When the last two parts finish together,
// both goroutines Add before either Loads, both see done == total, and both
// run finish (check -> act).
//
// HARM: CompleteMultipartUpload is sent twice. The second call fails with
// NoSuchUpload because the first already consumed the upload ID; when that
// error reaches Upload first, a blob that was stored successfully is
// reported as failed. The caller's cleanup then deletes the object, even
// though OnComplete has already enqueued it for transcoding and billing, so
// downstream jobs fail on a missing object and the customer is billed for
// an upload they were told did not happen.
package t11

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync/atomic"
)

// ErrEmpty is returned when there is nothing to upload.
var ErrEmpty = errors.New("upload: empty blob")

// ObjectStore is the multipart API of the storage backend.
type ObjectStore interface {
	CreateMultipart(ctx context.Context, key string) (uploadID string, err error)
	UploadPart(ctx context.Context, key, uploadID string, part int, r io.Reader) (etag string, err error)
	Complete(ctx context.Context, key, uploadID string, etags []string) error
	Abort(ctx context.Context, key, uploadID string) error
}

// Options configures an Uploader.
type Options struct {
	PartSize   int
	Parallel   int
	OnComplete func(key string)
}

// Uploader uploads blobs in parts.
type Uploader struct {
	store ObjectStore
	opts  Options
}

// NewUploader returns an Uploader.
func NewUploader(store ObjectStore, opts Options) *Uploader {
	if opts.PartSize <= 0 {
		opts.PartSize = 8 << 20
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	return &Uploader{store: store, opts: opts}
}

type upload struct {
	u      *Uploader
	key    string
	id     string
	total  int
	etags  []string
	done   atomic.Int32
	failed atomic.Bool
	cancel context.CancelFunc
	result chan error
}

func (up *upload) fail(ctx context.Context, err error) {
	if up.failed.CompareAndSwap(false, true) {
		up.cancel()
		_ = up.u.store.Abort(context.WithoutCancel(ctx), up.key, up.id)
		up.result <- err
	}
}

func (up *upload) finish(ctx context.Context) {
	err := up.u.store.Complete(ctx, up.key, up.id, up.etags)
	if err == nil && up.u.opts.OnComplete != nil {
		up.u.opts.OnComplete(up.key)
	}
	up.result <- err
}

func (up *upload) partDone(ctx context.Context, part int, etag string) {
	up.etags[part] = etag
	up.done.Add(1)
	if int(up.done.Load()) == up.total {
		up.finish(ctx)
	}
}

// Upload stores blob under key and returns once the upload is complete.
func (u *Uploader) Upload(ctx context.Context, key string, blob []byte) error {
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
	up := &upload{u: u, key: key, id: id, total: total,
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
