package unformatted

func  Ugly( )   int {return 1}
