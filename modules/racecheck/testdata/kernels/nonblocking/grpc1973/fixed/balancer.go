// Package grpc1973 reconstructs a data race in grpc-go's balancer registry,
// hit by etcd's client: balancer.Register writes a package-level map that
// every new ClientConn reads, and etcd registered its balancer when a client
// was created, while other clients were dialing.
//
//   - Project: grpc/grpc-go (balancer/balancer.go), as used by etcd-io/etcd clientv3
//   - Bug report: https://github.com/grpc/grpc-go/issues/1973
//   - Fix: https://github.com/grpc/grpc-go/pull/1974 was closed in favour of
//     documenting that Register must only be called at initialisation time;
//     etcd registers its balancer once, from init. The twin does the same.
//   - Shape: concurrent map write and read on a package-level registry.
//   - Fixed twin: the etcd balancer is registered from init, before any
//     goroutine can dial, as the fix documents (Register must only be called
//     at initialisation time), and creating a client only dials.
package grpc1973

// Builder creates balancers of one policy.
type Builder interface{ Name() string }

var registry = make(map[string]Builder)

// Register makes b available to Get under its name.
func Register(b Builder) { registry[b.Name()] = b }

// Get returns the builder registered under name, or nil.
func Get(name string) Builder { return registry[name] }

// Dial resolves the balancing policy of a new client connection.
func Dial(policy string) (Builder, bool) {
	b := Get(policy)
	return b, b != nil
}

type roundRobin struct{}

func (roundRobin) Name() string { return "round_robin" }

type etcdBalancer struct{}

func (etcdBalancer) Name() string { return "etcd" }

// NewEtcdClient dials with the etcd balancer, which init registered.
func NewEtcdClient() bool {
	_, ok := Dial("etcd")
	return ok
}

func init() {
	Register(roundRobin{})
	Register(etcdBalancer{})
}
