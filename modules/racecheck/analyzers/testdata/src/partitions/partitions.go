// Package partitions stands in for olric's internal/cluster/partitions: a
// partition hands out its sync.Map through a getter.
package partitions

import "sync"

type Partition struct{ smap *sync.Map }

// Map returns the partition's map, the same one each call.
func (p *Partition) Map() *sync.Map { return p.smap }

// NewMap returns a map of its own each call.
func (p *Partition) NewMap() *sync.Map { return &sync.Map{} }
