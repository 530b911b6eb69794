// Package safemap provides Map, a generic concurrent hash map with
// lock-free reads, atomic compute, consistent snapshots and atomic
// multi-key batches, and SyncMap, a drop-in replacement for sync.Map.
//
// Both types are ready to use as zero values and must not be copied after
// first use. Every single-key operation is linearizable, Snapshot returns
// the contents at one instant, and Update applies a multi-key transaction
// atomically with respect to every other operation, lock-free Loads
// included. A panic, from a user callback or from an argument (a key that
// cannot be hashed, a value that cannot be compared), never leaves a lock
// held or a batch half applied.
//
// # Design
//
// The table is a power-of-two array of 64-byte root buckets with five
// slots each and overflow chains (see table.go for the layout). Writers
// hold the root bucket's mutex and replace slot pointers, or, for values of
// one machine word (integers, floats, pointers), overwrite the value in
// place with one atomic store, so storing over a present key allocates
// nothing; readers load slots and values with single atomic loads and find
// candidate slots with SWAR comparisons of one-byte hash tags. Hashing is seeded per
// map with hash/maphash; integer keys take a dedicated seeded
// multiply-fold path. The table doubles when the number of entries passes
// 40% of the root slots (small tables, for speed) or 80% (tables of 4096
// root buckets or more, for memory) and halves (or more) when deletes,
// through any method, bring it below a quarter of that, never below
// WithPresize and never with WithGrowOnly. A resize
// locks every root bucket in index order, copies the entry pointers into
// the new table and publishes it; readers keep reading the old table,
// which no writer can change any more.
//
// Every multi-bucket operation (Update, Snapshot, Clear, resize) locks
// buckets in ascending index order, so they cannot deadlock. Holding any
// root lock of the current table keeps it current, since replacing a table
// needs all of its locks. Update publishes its writes through a commit
// descriptor that lock-free readers consult; batch.go documents why no
// reader can observe part of a batch.
package safemap
