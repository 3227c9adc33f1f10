package shop.payments;

/** Stands for another service's class in the architecture rules' own tests. */
public class Stranger {}
