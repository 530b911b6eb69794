package t07

// Fixed version: LobbyFixed.tryAdd checks the capacity and appends the
// player under the same lock, returning ErrLobbyFull when the lobby is
// already full, so a lobby can never hold more than MaxPlayers.

import (
	"errors"
	"sync"
	"time"
)

// LobbyFixed gathers players until it is full.
type LobbyFixed struct {
	ID      string
	onStart func(*Match)

	mu      sync.Mutex
	players []*Player
	started bool
}

// Count returns the number of players in the lobby.
func (l *LobbyFixed) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.players)
}

// tryAdd appends p if there is room and returns the new player count.
func (l *LobbyFixed) tryAdd(p *Player) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.players) >= MaxPlayers {
		return len(l.players), ErrLobbyFull
	}
	l.players = append(l.players, p)
	return len(l.players), nil
}

func (l *LobbyFixed) markStarted() ([]*Player, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		return nil, false
	}
	l.started = true
	return append([]*Player(nil), l.players...), true
}

// Join seats p in the lobby, starting the match when it fills up.
func (l *LobbyFixed) Join(p *Player) error {
	n, err := l.tryAdd(p)
	if err != nil {
		return err
	}
	if n == MaxPlayers {
		go l.startMatch()
	}
	return nil
}

func (l *LobbyFixed) startMatch() {
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

// MatchmakerFixed hands out lobbies by rating bracket.
type MatchmakerFixed struct {
	mu      sync.Mutex
	open    map[int]*LobbyFixed
	nextID  int
	onStart func(*Match)
}

// NewMatchmakerFixed returns a matchmaker that reports started matches.
func NewMatchmakerFixed(onStart func(*Match)) *MatchmakerFixed {
	return &MatchmakerFixed{open: make(map[int]*LobbyFixed), onStart: onStart}
}

func (m *MatchmakerFixed) lobbyFor(bracket int) *LobbyFixed {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.open[bracket]
	if !ok {
		m.nextID++
		l = &LobbyFixed{ID: "lobby-" + itoa(m.nextID), onStart: m.onStart}
		m.open[bracket] = l
	}
	return l
}

func (m *MatchmakerFixed) retire(bracket int, l *LobbyFixed) {
	m.mu.Lock()
	if m.open[bracket] == l {
		delete(m.open, bracket)
	}
	m.mu.Unlock()
}

// Join places p in the lobby for its rating bracket.
func (m *MatchmakerFixed) Join(p *Player) error {
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
