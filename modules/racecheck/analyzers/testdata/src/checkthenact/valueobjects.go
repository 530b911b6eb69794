package checkthenact

// Value objects: a cache fill of a pointer to a struct that nobody writes
// once it is built, computed from the key alone.

import (
	"encoding/base64"
	"net/url"
	"sync"
)

// valyala/fasthttp fasthttpproxy/dialer.go at b8ff6fb: the proxy's
// authorization header and address cached per proxy URL. Racing misses
// each build an equal proxyInfo and keep their own; the map keeps one, and
// no code can tell them apart, since nothing writes a proxyInfo's fields.
type proxyInfo struct {
	auth string
	addr string
}

func addrAndAuth(pu *url.URL, authCache *sync.Map) (proxyAddr, auth string) {
	if pu.User == nil {
		proxyAddr = pu.Host + pu.Path
		return proxyAddr, auth
	}
	if authCache != nil {
		if v, ok := authCache.Load(pu); ok {
			info := v.(*proxyInfo)
			return info.addr, info.auth
		}
	}
	info := &proxyInfo{
		auth: base64.StdEncoding.EncodeToString([]byte(pu.User.String())),
		addr: pu.Host + pu.Path,
	}
	if authCache != nil {
		authCache.Store(pu, info)
	}
	return info.addr, info.auth
}

// Near-miss: a field written after the struct is built makes each object
// one with a state of its own; the overwritten one's uses are lost.
type dialInfo struct {
	addr  string
	dials int
}

func (d *dialInfo) dialed() { d.dials++ }

func dialInfoFor(pu *url.URL, cache *sync.Map) *dialInfo {
	if v, ok := cache.Load(pu); ok {
		return v.(*dialInfo)
	}
	info := &dialInfo{addr: pu.Host + pu.Path}
	cache.Store(pu, info) // want `runs only when the check found no entry`
	return info
}

// Near-miss: a field of a struct type with a pointer method that writes it
// is written by calling that method (x.f.Set takes &x.f).
type hitCount struct{ n int }

func (h *hitCount) add() { h.n++ }

type hostInfo struct {
	host string
	hits hitCount
}

func (h *hostInfo) hit() { h.hits.add() }

func hostInfoFor(pu *url.URL, cache *sync.Map) *hostInfo {
	if v, ok := cache.Load(pu); ok {
		return v.(*hostInfo)
	}
	info := &hostInfo{host: pu.Host}
	cache.Store(pu, info) // want `runs only when the check found no entry`
	return info
}

// Near-miss: a struct overwritten whole through a pointer is written.
type pathInfo struct{ path string }

func (p *pathInfo) reset() { *p = pathInfo{} }

func pathInfoFor(pu *url.URL, cache *sync.Map) *pathInfo {
	if v, ok := cache.Load(pu); ok {
		return v.(*pathInfo)
	}
	info := &pathInfo{path: pu.Path}
	cache.Store(pu, info) // want `runs only when the check found no entry`
	return info
}

// Near-miss: an exported field can be written by any package.
type PublicInfo struct{ Addr string }

func publicInfoFor(pu *url.URL, cache *sync.Map) *PublicInfo {
	if v, ok := cache.Load(pu); ok {
		return v.(*PublicInfo)
	}
	info := &PublicInfo{Addr: pu.Host}
	cache.Store(pu, info) // want `runs only when the check found no entry`
	return info
}

// Near-miss: a value object computed from something other than the key
// differs between racing goroutines.
func userInfoFor(pu *url.URL, user string, cache *sync.Map) *proxyInfo {
	if v, ok := cache.Load(pu); ok {
		return v.(*proxyInfo)
	}
	info := &proxyInfo{auth: user, addr: pu.Host}
	cache.Store(pu, info) // want `runs only when the check found no entry`
	return info
}
