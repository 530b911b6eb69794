// Fix: the flag is claimed with a single CompareAndSwap(false, true), so the
// check and the transition are one atomic step and exactly one caller goes on
// to close the quit channel and flush. (WatchSignals and AdminHandler call
// ShutdownFixed in place of Shutdown.)

package t03

// ShutdownFixed stops the pipeline and flushes buffered events.
func (d *Daemon) ShutdownFixed(reason string) error {
	if !d.stopping.CompareAndSwap(false, true) {
		return errAlreadyStopping
	}
	d.logger.Printf("shutting down: %s", reason)
	close(d.quit)
	err := d.flush()
	close(d.flushed)
	return err
}
