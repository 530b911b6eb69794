module github.com/raceproof/raceproof/benchmarks

go 1.25.0

require (
	github.com/HdrHistogram/hdrhistogram-go v1.4.0
	github.com/Yiling-J/theine-go v0.6.3
	github.com/alphadose/haxmap v1.4.0
	github.com/dgraph-io/ristretto/v2 v2.4.2
	github.com/hashicorp/golang-lru/v2 v2.0.7
	github.com/maypok86/otter/v2 v2.4.0
	github.com/orcaman/concurrent-map/v2 v2.0.1
	github.com/puzpuzpuz/xsync/v4 v4.5.0
	github.com/raceproof/raceproof/modules/lockfree v0.0.0
	github.com/raceproof/raceproof/modules/racecheck v0.0.0
	github.com/raceproof/raceproof/modules/racecheck/lincheck v0.0.0
	github.com/raceproof/raceproof/modules/safemap v0.0.0
	github.com/raceproof/raceproof/modules/shardcache v0.0.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/anishathalye/porcupine v1.3.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dustin/go-humanize v1.0.1 // indirect
	github.com/klauspost/cpuid/v2 v2.0.9 // indirect
	github.com/zeebo/xxh3 v1.0.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/exp v0.0.0-20221031165847-c99f073a8326 // indirect
	golang.org/x/mod v0.39.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

replace github.com/raceproof/raceproof/modules/safemap => ../modules/safemap

replace github.com/raceproof/raceproof/modules/lockfree => ../modules/lockfree

replace github.com/raceproof/raceproof/modules/shardcache => ../modules/shardcache

replace github.com/raceproof/raceproof/modules/racecheck/lincheck => ../modules/racecheck/lincheck

replace github.com/raceproof/raceproof/modules/racecheck => ../modules/racecheck
