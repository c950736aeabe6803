+ nexture 0.1.0 .
