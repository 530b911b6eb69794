// Package shardcache is part of raceproof.
package shardcache
