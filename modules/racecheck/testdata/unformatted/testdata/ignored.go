package ignored
func  X( ) {}
