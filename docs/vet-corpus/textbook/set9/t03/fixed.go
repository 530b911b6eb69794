package t03

// Fix: claim the right to shut down with a single atomic CompareAndSwap.
// Exactly one caller flips stopping from false to true and closes the
// channel; every other concurrent caller sees the CAS fail and returns.

// StopFixed begins graceful shutdown; it is safe to call concurrently and
// repeatedly.
func (s *Server) StopFixed() {
	if !s.stopping.CompareAndSwap(false, true) {
		return
	}
	close(s.quit)
	s.ln.Close()
}
