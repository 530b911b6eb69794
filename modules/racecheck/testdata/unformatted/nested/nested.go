package nested
func  X( ) {}
