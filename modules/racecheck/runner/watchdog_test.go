package runner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A parent test is timed from its last subtest's end, not from its start:
// a table of subtests, each within the limit, is not a hang.
func TestWatchdogRestartsAParentWhenASubtestEnds(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	w := newWatchdog(time.Minute)
	w.clock = func() time.Time { return now }
	at := func(d time.Duration) { now = now.Add(d) }

	w.observe(testEvent{Action: "run", Test: "TestTable"})
	w.observe(testEvent{Action: "run", Test: "TestTable/a"})
	assert.Equal(t, "TestTable/a", w.overdue(now.Add(61*time.Second)), "the deepest overdue test")
	at(50 * time.Second)
	w.observe(testEvent{Action: "pass", Test: "TestTable/a"})
	w.observe(testEvent{Action: "run", Test: "TestTable/b"})
	at(50 * time.Second)
	assert.Equal(t, "", w.overdue(now), "100s into the table, 50s into b: the parent's clock restarted when a ended")
	w.observe(testEvent{Action: "pass", Test: "TestTable/b"})
	assert.Equal(t, "TestTable", w.overdue(now.Add(61*time.Second)), "a parent stuck after its last subtest")
}
