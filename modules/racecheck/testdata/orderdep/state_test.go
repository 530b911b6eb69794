// Package orderdep has a test that fails only when another runs before it.
package orderdep

import "testing"

var configured bool

func TestConfigures(t *testing.T) { configured = true }

func TestExpectsFreshState(t *testing.T) {
	if configured {
		t.Fatal("orderdep: state left over from TestConfigures")
	}
}

func TestA(t *testing.T) {}
func TestB(t *testing.T) {}
func TestC(t *testing.T) {}
