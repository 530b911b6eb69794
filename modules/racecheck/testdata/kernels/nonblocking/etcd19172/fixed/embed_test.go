package etcd19172

import "testing"

func TestEmbedEtcdClose(t *testing.T) {
	e := StartEtcd(2, func(int) error { return ErrListenerClosed })
	e.Close()
}
