// Package t07 is the lobby service of a 5v5 game server.
//
// Concurrency: every player connection is served by its own goroutine, which
// calls Matchmaker.Join when the player presses "Find match". Joining the
// tenth player starts the match on a new goroutine. Each Lobby's player
// slice is guarded by Lobby.mu; Count and add each take the lock.
//
// BUG: Lobby.Join checks Count() < MaxPlayers and then calls add. Two
// players joining the last open slot concurrently both pass the check and
// both are added (check -> act).
//
// HARM: the lobby ends up with 11 players. startMatch copies the players
// into the fixed [MaxPlayers] roster array and panics with an index out of
// range; the panic on the match goroutine takes down the whole game server
// process and every match running on it.
package t07

import (
	"errors"
	"sync"
	"time"
)

// TeamSize is the number of players per side.
const TeamSize = 5

// MaxPlayers is the number of players in a full lobby.
const MaxPlayers = 2 * TeamSize

// ErrLobbyFull is returned when a lobby has no free slot.
var ErrLobbyFull = errors.New("lobby: full")

// Player is a connected player.
type Player struct {
	ID     string
	Rating int
}

// Match is a started game.
type Match struct {
	LobbyID string
	Roster  [MaxPlayers]*Player
	Started time.Time
}

// Lobby gathers players until it is full.
type Lobby struct {
	ID      string
	onStart func(*Match)

	mu      sync.Mutex
	players []*Player
	started bool
}

// Count returns the number of players in the lobby.
func (l *Lobby) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.players)
}

// add appends p and returns the new player count.
func (l *Lobby) add(p *Player) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.players = append(l.players, p)
	return len(l.players)
}

// markStarted flips the started flag once and returns the roster.
func (l *Lobby) markStarted() ([]*Player, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		return nil, false
	}
	l.started = true
	return append([]*Player(nil), l.players...), true
}

// Join seats p in the lobby, starting the match when it fills up.
func (l *Lobby) Join(p *Player) error {
	if l.Count() >= MaxPlayers {
		return ErrLobbyFull
	}
	if n := l.add(p); n == MaxPlayers {
		go l.startMatch()
	}
	return nil
}

func (l *Lobby) startMatch() {
	players, ok := l.markStarted()
	if !ok {
		return
	}
	m := &Match{LobbyID: l.ID, Started: time.Now()}
	for i, p := range players {
		m.Roster[i] = p
	}
	if l.onStart != nil {
		l.onStart(m)
	}
}

// Matchmaker hands out lobbies by rating bracket.
type Matchmaker struct {
	mu      sync.Mutex
	open    map[int]*Lobby // rating bracket -> lobby that is filling
	nextID  int
	onStart func(*Match)
}

// NewMatchmaker returns a matchmaker that reports started matches to onStart.
func NewMatchmaker(onStart func(*Match)) *Matchmaker {
	return &Matchmaker{open: make(map[int]*Lobby), onStart: onStart}
}

func (m *Matchmaker) lobbyFor(bracket int) *Lobby {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.open[bracket]
	if !ok {
		m.nextID++
		l = &Lobby{ID: "lobby-" + itoa(m.nextID), onStart: m.onStart}
		m.open[bracket] = l
	}
	return l
}

func (m *Matchmaker) retire(bracket int, l *Lobby) {
	m.mu.Lock()
	if m.open[bracket] == l {
		delete(m.open, bracket)
	}
	m.mu.Unlock()
}

// Join places p in the lobby for its rating bracket.
func (m *Matchmaker) Join(p *Player) error {
	bracket := p.Rating / 250
	for attempt := 0; attempt < 3; attempt++ {
		l := m.lobbyFor(bracket)
		err := l.Join(p)
		if !errors.Is(err, ErrLobbyFull) {
			return err
		}
		m.retire(bracket, l)
	}
	return ErrLobbyFull
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
