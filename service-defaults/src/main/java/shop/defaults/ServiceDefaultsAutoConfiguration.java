package shop.defaults;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Wires the shared defaults into every Shop service that has this module on its classpath. */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@EnableConfigurationProperties(ServiceDefaultsProperties.class)
@Import({ ApiErrorHandler.class, ProblemErrorController.class })
public class ServiceDefaultsAutoConfiguration implements WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }

    @Bean
    StrictJson strictJson() {
        return new StrictJson();
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(ServiceDefaultsProperties properties, JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new RequestSizeLimit(properties.maxBodySize(), json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
