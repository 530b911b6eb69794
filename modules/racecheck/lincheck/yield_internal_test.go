package lincheck

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEnableYieldNests(t *testing.T) {
	base := yieldUsers.Load()
	a := EnableYield()
	b := EnableYield()
	require.Equal(t, base+2, yieldUsers.Load())
	Yield()
	a()
	a()
	require.Equal(t, base+1, yieldUsers.Load(), "disabling twice counts once")
	b()
	require.Equal(t, base, yieldUsers.Load())
}

func TestRunWithPerturbRestoresYield(t *testing.T) {
	base := yieldUsers.Load()
	m := RegisterModel(0)
	spec := Spec[*int, int, RegisterInput[int], RegisterOutput[int]]{
		Model: m,
		New:   func() *int { return new(int) },
		Do: func(_ *int, _ RegisterInput[int]) RegisterOutput[int] {
			if yieldUsers.Load() <= base && !yieldAlways {
				panic("Yield not enabled during a perturbed run")
			}
			return RegisterOutput[int]{}
		},
		Gen: RandomRegisterOps([]int{0}, RegisterLoad),
	}
	rep, err := Run(spec, Options{Rounds: 3, Perturb: true})
	require.NoError(t, err)
	require.Equal(t, Linearizable, rep.Verdict())
	require.Equal(t, base, yieldUsers.Load())
}

func TestWithout(t *testing.T) {
	s := Scenario[int]{Init: []int{1, 2}, Parallel: [][]int{{3}, {4, 5}}, Post: []int{6}}
	require.Equal(t, Scenario[int]{Init: []int{1, 2}, Parallel: [][]int{{3}, {4, 5}}, Post: []int{}}, s.without(0))
	require.Equal(t, Scenario[int]{Init: []int{2}, Parallel: [][]int{{3}, {4, 5}}, Post: []int{6}}, s.without(1))
	require.Equal(t, Scenario[int]{Init: []int{1, 2}, Parallel: [][]int{{4, 5}}, Post: []int{6}}, s.without(3))
	require.Equal(t, Scenario[int]{Init: []int{1, 2}, Parallel: [][]int{{3}, {4}}, Post: []int{6}}, s.without(5))
	require.Equal(t, 6, s.Len(), "without does not modify its receiver")
}
