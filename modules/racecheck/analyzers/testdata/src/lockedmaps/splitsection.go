package lockedmaps

import (
	"errors"
	"sync"
)

// A map entry read in a function literal one locking method runs, and
// written in a literal another runs, with the decision made between them
// (textbook set 8, t18): two bookings that both read the seat free both
// take it, and the first buyer, charged, loses the seat.

var errSeatTaken = errors.New("seat taken")

type seatState struct {
	owner map[string]string
	price map[string]int64
}

type venue struct {
	mu sync.RWMutex
	s  seatState
}

func (v *venue) read(fn func(*seatState)) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	fn(&v.s)
}

func (v *venue) write(fn func(*seatState)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fn(&v.s)
}

func (v *venue) Book(seat, buyer string, charge func(int64) error) error {
	var free bool
	var price int64
	v.read(func(s *seatState) {
		p, exists := s.price[seat]
		free = exists && s.owner[seat] == ""
		price = p
	})
	if !free {
		return errSeatTaken
	}
	if err := charge(price); err != nil {
		return err
	}
	v.write(func(s *seatState) {
		s.owner[seat] = buyer // want `s.owner\[seat\] = … in the function literal v.write runs \(line 51\) after the one v.read runs read s.owner\[seat\] on line 42 into free, which decided the write, under a lock released between them: another goroutine can write the entry in between, and this write acts on what was found then; run the check and the write in one literal, or check again in the writing one`
	})
	return nil
}

// The same with a delete, decided by a value read through a local.
func (v *venue) Release(seat, buyer string) bool {
	var mine bool
	v.read(func(s *seatState) {
		o := s.owner[seat]
		mine = o == buyer
	})
	if !mine {
		return false
	}
	v.write(func(s *seatState) {
		delete(s.owner, seat) // want `delete\(s.owner, seat\) in the function literal v.write runs`
	})
	return true
}

// Near-miss: the writing literal looks again.
func (v *venue) BookChecked(seat, buyer string) error {
	var free bool
	v.read(func(s *seatState) { free = s.owner[seat] == "" })
	if !free {
		return errSeatTaken
	}
	var taken bool
	v.write(func(s *seatState) {
		if s.owner[seat] != "" {
			taken = true
			return
		}
		s.owner[seat] = buyer
	})
	if taken {
		return errSeatTaken
	}
	return nil
}

// Near-miss: what was read decides nothing (only reported back).
func (v *venue) Rebook(seat, buyer string) string {
	var was string
	v.read(func(s *seatState) { was = s.owner[seat] })
	v.write(func(s *seatState) { s.owner[seat] = buyer })
	return was
}

// Near-miss: another entry written.
func (v *venue) Upgrade(seat, better, buyer string) error {
	var free bool
	v.read(func(s *seatState) { free = s.owner[better] == "" })
	if !free {
		return errSeatTaken
	}
	v.write(func(s *seatState) { s.owner[seat] = "" })
	return nil
}
